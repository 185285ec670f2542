/** A date as a form posts it from the NHS date input's three boxes (day and month without leading zeros). */
export function dateBoxes(name: string, iso: string): Record<string, string> {
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y };
}
