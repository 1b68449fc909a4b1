import { render, screen } from '@testing-library/svelte';
import { failWith, mockCommands } from '../../ipc/testing';
import type { ComputerFacts } from '../../ipc';
import Overview from './Overview.svelte';
import { summarise } from './summary';

const GiB = 1024 ** 3;
const facts: ComputerFacts = {
  hostname: 'front-desk',
  os_name: 'Debian GNU/Linux',
  os_version: '12',
  kernel: '6.1.0-18-amd64',
  uptime_seconds: 3 * 86400 + 4 * 3600,
  cpu_model: 'Intel(R) Core(TM) i5-8500',
  cpu_cores: 6,
  memory_total_bytes: 16 * GiB,
  memory_used_bytes: 4 * GiB,
  disk_total_bytes: 100 * GiB,
  disk_used_bytes: 95 * GiB,
  disks: [
    { mount_point: '/', file_system: 'ext4', total_bytes: 100 * GiB, used_bytes: 95 * GiB, available_bytes: 5 * GiB },
  ],
};

describe('Overview', () => {
  it('shows the facts and a plain sentence about what needs attention', async () => {
    mockCommands({ computer_facts: () => facts });
    render(Overview);
    expect(await screen.findByText('front-desk')).toBeTruthy();
    expect(screen.getByText('Debian GNU/Linux 12')).toBeTruthy();
    expect(screen.getByText('3 days, 4 hours')).toBeTruthy();
    expect(screen.getByText(/1 thing needs attention: the disk at \/ is almost full/)).toBeTruthy();
    expect(screen.getByText('Almost full')).toBeTruthy();
    expect(screen.getByText('4.0 GB of 16.0 GB used (25 %)')).toBeTruthy();
  });

  it('shows what went wrong and what to do when the facts cannot be read', async () => {
    mockCommands({
      computer_facts: () =>
        failWith({ code: 'io', message: 'Could not read this computer\'s disks: denied.', hint: 'Check that /proc is readable.' }),
    });
    render(Overview);
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByText(/Could not read this computer's disks/)).toBeTruthy();
    expect(screen.getByText('Check that /proc is readable.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

describe('summarise', () => {
  it('says all is well when nothing is full', () => {
    const calm = { ...facts, disks: [{ ...facts.disks[0], used_bytes: 10 * GiB }] };
    expect(summarise(calm)).toEqual({ level: 'good', sentence: 'front-desk has plenty of memory and disk space.' });
  });

  it('counts every problem and takes the worst level', () => {
    const busy = { ...facts, memory_used_bytes: 13.5 * GiB };
    const s = summarise(busy);
    expect(s.level).toBe('danger');
    expect(s.sentence).toBe('2 things need attention: memory is getting full; the disk at / is almost full.');
  });
});
