import { createEngine } from '../saved-replies';

// Rendering runs on the event loop every request shares: a runaway template may hold it no
// longer than a request can wait unnoticed (the integration test shows the 400 it ends in).
it('stops a render after at most 50 ms of work', () => {
  expect((createEngine() as any).options.renderLimit).toBeLessThanOrEqual(50);
});
