// One spelling for every way a login reaches us: `SCHOOL\jsmith`, `jsmith@school.local`
// and `JSmith` are the same OS account; `J.Smith@School.org` is the same e-mail account
// as `j.smith@school.org`. The import stores these forms; pupil-match.ts looks logins up
// with the same rule in SQL.

/** The OS account name: lower-cased, without a `DOMAIN\` prefix or an `@domain` suffix. */
export function osAccountName(raw: string): string {
  const name = raw.trim().toLowerCase();
  const afterDomain = name.slice(name.lastIndexOf('\\') + 1);
  const at = afterDomain.indexOf('@');
  return (at >= 0 ? afterDomain.slice(0, at) : afterDomain).trim();
}

/** An e-mail account name (lower-cased), or undefined if it is not e-mail-shaped. */
export function emailAccountName(raw: string): string | undefined {
  const name = raw.trim().toLowerCase();
  return /^[^\s@\\]+@[^\s@\\]+\.[^\s@\\]+$/.test(name) ? name : undefined;
}
