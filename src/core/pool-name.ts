/**
 * Pool names, as `tributary pools set` and `PUT /api/v1/pools/{name}` accept them: a letter, then
 * letters, digits, `_`, `.` or `-` (100 characters at most). A DAG may name any pool; one nobody
 * configured has no limit.
 */
export const POOL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

export const POOL_NAME_RULE = "a letter, then letters, digits, _ . or - (at most 100 characters)";
