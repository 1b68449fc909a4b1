// The notice settings as the form holds them, and what is wrong with a form
// before anything is sent (the app checks again and has the last word).
import type { EmailSettings, MailSecurity, NoticeSettings } from '../../ipc';

export interface NoticeForm {
  desktop: boolean;
  email: boolean;
  server: string;
  port: string;
  security: MailSecurity;
  username: string;
  /** Typed here only to be kept in the keychain; empty keeps the saved one. */
  password: string;
  from: string;
  to: string;
  everyRun: boolean;
  /** The vault entry holding the saved password, when there is one. */
  passwordName: string;
}

export type NoticeField = 'server' | 'port' | 'username' | 'password' | 'from' | 'to';

export interface Problem {
  field: NoticeField;
  words: string;
}

export const DEFAULT_PORT: Record<MailSecurity, number> = { start_tls: 587, tls: 465 };

export function formOf(settings: NoticeSettings): NoticeForm {
  const e = settings.email;
  return {
    desktop: settings.desktop,
    email: e !== null,
    server: e?.server ?? '',
    port: String(e?.port ?? DEFAULT_PORT.start_tls),
    security: e?.security ?? 'start_tls',
    username: e?.username ?? '',
    password: '',
    from: e?.from ?? '',
    to: e?.to.join(', ') ?? '',
    everyRun: e?.every_run ?? false,
    passwordName: e?.password_name ?? '',
  };
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;

export function recipients(form: NoticeForm): string[] {
  return form.to
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

export function problemsOf(form: NoticeForm): Problem[] {
  if (!form.email) return [];
  const problems: Problem[] = [];
  const server = form.server.trim();
  if (server === '' || !/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(server)) {
    problems.push({ field: 'server', words: 'Give the mail server’s name, for example smtp.example.com.' });
  }
  const port = Number(form.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push({ field: 'port', words: 'The port is a number from 1 to 65535: 587 for STARTTLS, 465 for TLS.' });
  }
  if (form.username.trim() === '') {
    problems.push({ field: 'username', words: 'Give the name you sign in to the mail server with.' });
  }
  if (form.password === '' && form.passwordName === '') {
    problems.push({ field: 'password', words: 'Give the mail account’s password; Shipshape keeps it in your keychain.' });
  }
  if (!ADDRESS.test(form.from.trim())) {
    problems.push({ field: 'from', words: 'Give the address the notices come from, like office@example.com.' });
  }
  const to = recipients(form);
  if (to.length === 0 || to.length > 20 || to.some((t) => !ADDRESS.test(t))) {
    problems.push({ field: 'to', words: 'Give 1 to 20 addresses, like boss@example.com, separated by commas.' });
  }
  return problems;
}

export function settingsOf(form: NoticeForm): NoticeSettings {
  const email: EmailSettings | null = form.email
    ? {
        server: form.server.trim(),
        port: Number(form.port),
        security: form.security,
        username: form.username.trim(),
        password_name: form.passwordName,
        from: form.from.trim(),
        to: recipients(form),
        every_run: form.everyRun,
      }
    : null;
  return { desktop: form.desktop, email };
}
