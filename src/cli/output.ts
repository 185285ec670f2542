/** Where a command writes: its answer (out) and its complaints (err). Tests pass their own to read them. */
export type Output = { out: (line: string) => void; err: (line: string) => void };
