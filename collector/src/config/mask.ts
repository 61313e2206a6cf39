/**
 * Replaces the password of a URL-looking string with `***` so connection strings can be
 * logged or echoed in an error. Strings the URL parser rejects are masked by pattern, as
 * a malformed DATABASE_URL may still carry a real password.
 */
export function maskUrlPassword(raw: string): string {
  if (!URL.canParse(raw)) return raw.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
  const url = new URL(raw);
  if (url.password === '') return raw;
  url.password = '***';
  return url.toString();
}
