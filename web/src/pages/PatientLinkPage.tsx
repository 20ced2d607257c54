/** A patient's pre-consultation link (QR code): redeem the token, ask consent, then the chat. Placeholder until built. */
export function PatientLinkPage(_props: { token: string }) {
  return <p>link</p>;
}
