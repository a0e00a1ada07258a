/**
 * The one place the SPA leaves itself with a full-page navigation (to the BFF's login, to the provider's
 * end-session URL). Kept behind an object so tests can replace it: jsdom cannot navigate.
 */
export const browser = {
  assign(url: string): void {
    window.location.assign(url);
  },
};
