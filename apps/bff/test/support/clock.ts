/**
 * A clock that stands still until the test moves it. It starts at the real time so tokens from the real IdP,
 * which openid-client checks against the real clock, stay valid.
 */
export class TestClock {
  private current = Date.now();
  readonly now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}
