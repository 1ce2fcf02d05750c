import { compile } from 'html-to-text';
import { CONTENT_PLACEHOLDER } from '../../../../shared/validation/campaigns';
import type { StoredCampaign } from './campaigns';
import { render, type Variables } from './template';

/** What a campaign mail is made of, before any variable is filled in. */
export interface MailSource {
  subject: string;
  html: string | null;
  text: string | null;
}

export interface Layout {
  html: string | null;
  text: string | null;
}

/** One recipient's mail. The text part is always there: generated from the HTML when the campaign has none. */
export interface RenderedMail {
  subject: string;
  html: string | null;
  text: string;
}

const PLACEHOLDER = new RegExp(CONTENT_PLACEHOLDER.source, 'g');

/**
 * The body put where the layout says `{{ content }}`, as source text: the result is one
 * template, so a variable or an `{% if %}` in the body works as it does without a layout. A part
 * the campaign does not have stays absent (a text-only campaign gets no HTML from its layout).
 */
export const composeLayout = (body: MailSource, layout: Layout | null): MailSource => {
  const put = (frame: string | null | undefined, part: string | null) =>
    part && frame ? frame.replace(PLACEHOLDER, () => part) : part || null;
  return { subject: body.subject, html: put(layout?.html, body.html), text: put(layout?.text, body.text) };
};

/** The campaign as it goes out: in the copy of its layout taken when it was sent or scheduled. */
export const campaignSource = (
  campaign: Pick<StoredCampaign, 'subject' | 'html' | 'text' | 'status' | 'layoutHtml' | 'layoutText'>
): MailSource =>
  composeLayout(
    { subject: campaign.subject, html: campaign.html, text: campaign.text },
    campaign.status === 'draft' ? null : { html: campaign.layoutHtml ?? null, text: campaign.layoutText ?? null }
  );

/**
 * The text part of an HTML-only mail, for spam filters and text-only mail programs. Images are
 * left out (a tracking pixel or a logo says nothing in text); headings keep their case. Compiled
 * once: the converter's options are parsed per call otherwise.
 */
const convert = compile({
  wordwrap: 80,
  selectors: [
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'a', options: { hideLinkIfSameAsText: true } },
  ],
});
export const htmlToText = (html: string) => convert(html).trim();

/** One recipient's subject, HTML and text. */
export const renderSource = (source: MailSource, vars: Variables): RenderedMail => {
  const html = source.html ? render(source.html, vars, 'html') ?? null : null;
  const text = source.text ? render(source.text, vars, 'text') ?? '' : html ? htmlToText(html) : '';
  return { subject: render(source.subject, vars, 'header') ?? '', html, text };
};
