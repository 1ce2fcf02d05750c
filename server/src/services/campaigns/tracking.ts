import type { Core } from '@strapi/strapi';

/**
 * Opt-in open and click tracking (issue 11). The campaign's HTML source (layout and body
 * composed, before Liquid runs) is instrumented once per campaign: each trackable link's href
 * becomes `{{ _track.c<i> }}` and the open pixel `{{ _track.o }}` is added; per recipient,
 * `vars()` gives those variables their signed URLs. So the same source serves SMTP (rendered per
 * recipient) and SendGrid (substitutions), and a click token names a link by its index in the
 * campaign's own content: the redirect can only lead to a URL the campaign contains.
 *
 * Contract stub: the identity until the tracking work fills it in.
 */
export interface InstrumentedHtml {
  /** The source with tracked hrefs replaced and the pixel added. */
  html: string;
  /** The original href of each tracked link (Liquid source), by index. */
  links: string[];
}

export const TRACK_VARIABLE = '_track';

export const instrumentHtml = (source: string, _opts: { clicks: boolean; opens: boolean }): InstrumentedHtml => ({ html: source, links: [] });

const trackingService = ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  /** The `_track` variables of one recipient: `{ o: openUrl, c0: clickUrl, c1: … }`. */
  vars(_target: { campaign: string; recipient: number; email: string }, _opts: { clicks: boolean; opens: boolean; links: number }): Record<string, string> {
    return {};
  },
});

export type TrackingService = ReturnType<typeof trackingService>;
export default trackingService;
