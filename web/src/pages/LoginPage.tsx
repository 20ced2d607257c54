/** The workspace login (local users, the hospital's OpenID Connect provider). Placeholder until built. */
export function LoginPage(_props: { onLogin: () => void }) {
  return <p>login</p>;
}
