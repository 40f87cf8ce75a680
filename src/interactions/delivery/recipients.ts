/**
 * The recipients of a contact's e-mail field. BC accepts several addresses in it, separated by `;` (and people
 * write `,`): each is its own recipient of the one message, never one address `"a@x.com, b@y.org"@…`.
 */
export type Recipients = { addresses: string[] } | { invalid: string } | { none: true }

/**
 * One plain address, `local@domain`: no spaces, control characters, quotes, angle brackets, brackets or
 * separators (nothing a mail header could read as a second address or a display name), and a domain of
 * labels with at least one dot.
 */
const ADDRESS =
  /^[^\s@<>()[\]\\,;:"\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u

/** Splits on `,` and `;`, trims each, drops empty parts; the first that is not an address names the fault. */
export function recipients(email: string): Recipients {
  const addresses = email
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter(Boolean)
  if (addresses.length === 0) return { none: true }
  const invalid = addresses.find((a) => !ADDRESS.test(a))
  return invalid === undefined ? { addresses } : { invalid }
}

/** The delivery error of a line whose e-mail field holds something that is not an address. */
export const invalidEmail = (address: string, contactNo: string) =>
  `The email address "${address}" of contact no. ${contactNo} is not valid.`
