/** A settable clock for tests: `now` is what the code under test calls. */
export function fakeClock(start: string): {
  now: () => Date;
  advance: (ms: number) => void;
  set: (iso: string) => void;
} {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (iso) => {
      current = new Date(iso).getTime();
    },
  };
}
