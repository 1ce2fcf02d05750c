/**
 * A loop that runs `tick` every `intervalMs`, never two ticks at once, and can be stopped with a
 * wait for the tick in progress. The poller and the campaign queue each run one.
 */
export const createTicker = (tick: () => Promise<void>, intervalMs: () => number, onError: (error: any) => void) => {
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  let stopped = true;
  const loop = () => {
    timer = setTimeout(async () => {
      ticking = tick().catch(onError);
      await ticking;
      ticking = null;
      if (!stopped) loop();
    }, intervalMs());
  };
  return {
    get stopped() {
      return stopped;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    /** Stops the loop and waits for a tick in progress. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticking;
    },
  };
};
