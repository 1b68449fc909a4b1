import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { NoticeSettings } from '../../ipc';
import { failWith, recordCommands, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Notices from './Notices.svelte';

const saved: NoticeSettings = {
  desktop: true,
  email: {
    server: 'smtp.example.com',
    port: 587,
    security: 'start_tls',
    username: 'office@example.com',
    password_name: 'Email notices',
    from: 'office@example.com',
    to: ['boss@example.com'],
    every_run: false,
  },
};

function setup(overrides: Record<string, Handler> = {}, settings: NoticeSettings = { desktop: true, email: null }) {
  const state = { settings };
  const calls = recordCommands({
    notify_settings: () => state.settings,
    notify_save: (args) => {
      state.settings = structuredClone(args.settings as NoticeSettings);
      if (state.settings.email && args.password) state.settings.email.password_name = 'Email notices';
      return state.settings;
    },
    notify_test_email: () => 'A test message was sent to boss@example.com.',
    ...overrides,
  });
  render(Notices);
  return { calls, state };
}

const byId = (id: string) => screen.getByTestId(id);
const type = (id: string, value: string) => fireEvent.input(byId(id), { target: { value } });
const fieldErrors = () => screen.queryAllByTestId(testIds.noticeFieldError).map((e) => e.dataset.field);

async function fillEmail() {
  await fireEvent.click(await screen.findByTestId(testIds.noticesEmail));
  await type(testIds.noticeServer, 'smtp.example.com');
  await type(testIds.noticeUsername, 'office@example.com');
  await type(testIds.noticePassword, 'mail-secret');
  await type(testIds.noticeFrom, 'office@example.com');
  await type(testIds.noticeTo, 'boss@example.com, it@example.com');
}

describe('Notices', () => {
  it('starts with desktop notices on and email off, and offers no test message before email is saved', async () => {
    setup();
    const desktop = (await screen.findByTestId(testIds.noticesDesktop)) as HTMLInputElement;
    expect(desktop.checked).toBe(true);
    expect((byId(testIds.noticesEmail) as HTMLInputElement).checked).toBe(false);
    expect(screen.queryByTestId(testIds.noticeServer)).toBeNull();
    expect(screen.queryByTestId(testIds.noticesTest)).toBeNull();
  });

  it('shows each problem beside its field and sends nothing', async () => {
    const { calls } = setup();
    await fireEvent.click(await screen.findByTestId(testIds.noticesEmail));
    await type(testIds.noticePort, '99999');
    await type(testIds.noticeTo, 'boss@example.com, nobody');
    await fireEvent.click(byId(testIds.noticesSave));
    expect(fieldErrors()).toEqual(['server', 'port', 'username', 'password', 'from', 'to']);
    expect(byId(testIds.noticeServer).getAttribute('aria-invalid')).toBe('true');
    expect(calls.notify_save).toBeUndefined();
  });

  it('saves the settings with the password apart, then sends a test message', async () => {
    const { calls } = setup();
    await fillEmail();
    await fireEvent.change(byId(testIds.noticeSecurity), { target: { value: 'tls' } });
    expect((byId(testIds.noticePort) as HTMLInputElement).value).toBe('465');
    await fireEvent.click(byId(testIds.noticesSave));
    await waitFor(() => expect(byId(testIds.noticesResult).dataset.state).toBe('saved'));
    expect(calls.notify_save[0]).toEqual({
      settings: {
        desktop: true,
        email: {
          server: 'smtp.example.com',
          port: 465,
          security: 'tls',
          username: 'office@example.com',
          password_name: '',
          from: 'office@example.com',
          to: ['boss@example.com', 'it@example.com'],
          every_run: false,
        },
      },
      password: 'mail-secret',
    });
    expect(byId(testIds.noticesResult).textContent).toContain('The password is in your keychain');
    // The password field is emptied: the secret stays in the keychain only.
    expect((byId(testIds.noticePassword) as HTMLInputElement).value).toBe('');
    expect(byId(testIds.noticePassword).getAttribute('placeholder')).toContain('Kept in your keychain');

    await fireEvent.click(byId(testIds.noticesTest));
    await waitFor(() => expect(byId(testIds.noticesResult).dataset.state).toBe('sent'));
    expect(byId(testIds.noticesResult).textContent).toContain('A test message was sent to boss@example.com.');
  });

  it('keeps the saved password when none is typed, and says why a test message failed', async () => {
    const { calls } = setup(
      {
        notify_test_email: () =>
          failWith({
            code: 'io',
            message: 'The mail server smtp.example.com:587 refused the user name or password.',
            hint: 'Check the account’s user name, and save its password again in the notice settings.',
          }),
      },
      saved,
    );
    await screen.findByTestId(testIds.noticeServer);
    await fireEvent.click(byId(testIds.noticeEveryRun));
    await fireEvent.click(byId(testIds.noticesSave));
    await waitFor(() => expect(calls.notify_save).toHaveLength(1));
    expect(calls.notify_save[0].password).toBeNull();
    expect((calls.notify_save[0].settings as NoticeSettings).email?.every_run).toBe(true);

    await fireEvent.click(byId(testIds.noticesTest));
    await waitFor(() => expect(byId(testIds.noticesResult).dataset.state).toBe('failed'));
    const result = byId(testIds.noticesResult);
    expect(result.dataset.code).toBe('io');
    expect(result.textContent).toContain('The test message was not sent');
    expect(result.textContent).toContain('refused the user name or password');
  });

  it('turns email off and desktop notices off', async () => {
    const { calls } = setup({}, saved);
    await screen.findByTestId(testIds.noticeServer);
    await fireEvent.click(byId(testIds.noticesEmail));
    await fireEvent.click(byId(testIds.noticesDesktop));
    await fireEvent.click(byId(testIds.noticesSave));
    await waitFor(() => expect(calls.notify_save).toHaveLength(1));
    expect(calls.notify_save[0]).toEqual({ settings: { desktop: false, email: null }, password: null });
    await waitFor(() => expect(screen.queryByTestId(testIds.noticesTest)).toBeNull());
  });

  it('says when the settings cannot be read, and tries again', async () => {
    let fail = true;
    setup({
      notify_settings: () =>
        fail
          ? failWith({ code: 'conflict', message: 'The saved notice settings could not be read.', hint: 'Save them again.' })
          : { desktop: true, email: null },
    });
    await waitFor(() => expect(byId(testIds.noticesError).textContent).toContain('could not read the notice settings'));
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: /try again/i }));
    await screen.findByTestId(testIds.noticesDesktop);
  });
});
