/** The API's password rule (auth.ts), checked before sending so the form can say it plainly. */
export const PASSWORD_MIN = 8;

export function passwordProblem(password: string, confirm: string): string | null {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (password !== confirm) return 'The two passwords are not the same.';
  return null;
}
