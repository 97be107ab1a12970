/* global localStorage, document */
// The saved theme is applied before the first paint, so a dark page never flashes white. A file of
// its own, not inline: the server's Content-Security-Policy runs no inline script.
try {
  const theme = localStorage.getItem("tributary.theme");
  if (theme) document.documentElement.dataset.theme = theme;
} catch {
  // Storage may be off (private mode, policies): the default theme then applies.
}
