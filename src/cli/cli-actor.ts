/** How the audit log names a local command's caller: `cli (<os user>)`. */
export const CLI_ACTOR = `cli (${process.env.USER ?? "unknown"})`;
