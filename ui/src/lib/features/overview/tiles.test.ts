import { alertsTile, cpuTile, diskTile, forecastLevel, fullestDisk, memoryTile, rebootWords, uptimeTile } from './tiles';
import { GiB, clearedAlert, diskAlert, needsAttention, sample } from './fixtures';

describe('tiles', () => {
  it('names the fullest disk and says how full it is', () => {
    expect(fullestDisk(sample.disks)?.mount_point).toBe('/');
    expect(fullestDisk([])).toBeNull();
    expect(diskTile(sample.disks)).toEqual({
      level: 'danger',
      words: 'Almost full',
      headline: '/ is 93 % full',
      detail: '7.0 GB free of 100.0 GB. The fullest of 2 disks.',
    });
    const calm = diskTile([{ ...sample.disks[1] }]);
    expect(calm.level).toBe('good');
    expect(calm.headline).toBe('/home is 25 % full');
    expect(calm.detail).toBe('300.0 GB free of 400.0 GB.');
    expect(diskTile([{ ...sample.disks[0], used_percent: 84.6 }])).toMatchObject({
      level: 'warning',
      words: 'Getting full',
      headline: '/ is 85 % full',
    });
    expect(diskTile([])).toMatchObject({ level: 'neutral', headline: 'No disks found' });
  });

  it('calls a disk that fills within a week urgent', () => {
    const f = needsAttention.forecasts[0];
    expect(forecastLevel(f)).toBe('warning');
    expect(forecastLevel({ ...f, days_left: 2 })).toBe('danger');
  });

  it('says how much memory is used and available', () => {
    expect(memoryTile(sample.memory)).toEqual({
      level: 'good',
      words: 'Plenty of room',
      headline: '4.0 GB of 16.0 GB used',
      detail: '12.0 GB available for new programs (25 % used).',
    });
    expect(memoryTile({ total_bytes: 16 * GiB, used_bytes: 15 * GiB, available_bytes: GiB }).level).toBe('danger');
  });

  it('weighs the load against the cores', () => {
    expect(cpuTile(sample.cpu, sample.load)).toEqual({
      level: 'good',
      words: 'Keeping up',
      headline: '12 % busy now',
      detail: 'Load 0.52 on 4 cores; it keeps up below 4.',
    });
    expect(cpuTile(sample.cpu, { ...sample.load, one: 5 })).toMatchObject({ level: 'warning', words: 'Busy' });
    expect(cpuTile(sample.cpu, { ...sample.load, one: 9 })).toMatchObject({ level: 'danger', words: 'Overloaded' });
    expect(cpuTile({ ...sample.cpu, cores: 1 }, sample.load).detail).toBe('Load 0.52 on 1 core; it keeps up below 1.');
  });

  it('says whether a restart is needed, and for what', () => {
    expect(uptimeTile(sample.uptime_seconds, sample.reboot)).toEqual({
      level: 'warning',
      words: 'Restart needed',
      headline: 'Running for 3 days, 4 hours',
      detail: 'Updates to linux-image-6.1.0-21-amd64 and libc6 wait for a restart. Restart when it suits you.',
    });
    expect(uptimeTile(600, { required: false, packages: [] })).toMatchObject({
      level: 'good',
      words: 'No restart needed',
      headline: 'Running for 10 minutes',
    });
    expect(rebootWords([])).toBe('Installed updates wait for a restart.');
    expect(rebootWords(['a', 'b', 'c', 'd', 'e'])).toBe('Updates to a, b, c and 2 others wait for a restart.');
    expect(rebootWords(['a', 'b', 'c', 'd'])).toBe('Updates to a, b, c and 1 other wait for a restart.');
  });

  it('counts open alerts and whether they were acknowledged', () => {
    expect(alertsTile([])).toMatchObject({ level: 'good', words: 'None open', headline: 'No open alerts' });
    expect(alertsTile([clearedAlert])).toMatchObject({ level: 'good', headline: 'No open alerts' });
    expect(alertsTile([diskAlert])).toEqual({
      level: 'danger',
      words: 'Needs attention',
      headline: '1 open alert',
      detail: 'Not acknowledged yet.',
    });
    const acked = { ...diskAlert, id: 8, acknowledged: '2026-05-28T08:00:00Z', acknowledged_by: 'anna' };
    expect(alertsTile([diskAlert, acked])).toMatchObject({ headline: '2 open alerts', detail: '1 not acknowledged yet.' });
    expect(alertsTile([acked])).toMatchObject({ level: 'warning', words: 'Acknowledged', headline: '1 open alert' });
  });
});
