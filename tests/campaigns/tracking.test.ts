/**
 * Opt-in open and click tracking, from the mails postfix's smtp-sink received: the rewritten
 * links redirect to the campaign's own URLs only, the pixel is a GIF, each recipient counts once,
 * altered links count nothing, and a campaign without tracking sends the mail it always did.
 */
import type { TestApp } from '../helpers/strapi';
import type { ReceivedMail, SmtpSink } from '../helpers/smtp-sink';
import { bootWithSink, campaignOf, createCampaign, recipientsOf, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let sink: SmtpSink;

const ORIGIN = 'https://cms.example.com';
const CLICK = `${ORIGIN}/api/email-server/t/c/`;
const OPEN = `${ORIGIN}/api/email-server/t/o/`;

beforeAll(async () => {
  ({ app, sink } = await bootWithSink({
    EMAIL_SERVER_CAMPAIGN_TICK_MS: '100',
    EMAIL_SERVER_PUBLIC_URL: ORIGIN,
    EMAIL_SERVER_POLLING: 'false',
  }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
});
beforeEach(() => sink.clear());

const as = () => app.as();

const HTML =
  '<html><body><p>Hi {{email}}</p>\n' +
  '<a href="https://shop.example/sale?u={{email}}&amp;src=mail">Sale</a>\n' +
  "<a href='https://shop.example/about'>About</a>\n" +
  '<a href="javascript:alert(1)">js</a>\n' +
  '<a href="{{ unsubscribeUrl }}">Unsubscribe</a>\n' +
  '</body></html>';

const send = async (name: string, addresses: string[], extra: Record<string, unknown>) => {
  const { data } = await createCampaign(as(), {
    name,
    server: 'Sink',
    subject: 'News',
    html: HTML,
    text: 'Hi {{email}}',
    recipients: addresses.map((email) => ({ email })),
    ...extra,
  });
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  await waitForStatus(as(), data.documentId, 'completed');
  const mails = await sink.waitForMessages(addresses.length);
  const ids = new Map((await recipientsOf(as(), data.documentId)).map((r) => [r.email as string, r.id as number]));
  return { documentId: data.documentId as string, mails, ids };
};

const htmlTo = (mails: ReceivedMail[], address: string) => {
  const mail = mails.find((m) => m.rcptTo[0] === address);
  if (!mail || typeof mail.mail.html !== 'string') throw new Error(`no HTML mail to ${address}`);
  return mail.mail.html;
};
const hrefs = (html: string) => [...html.matchAll(/<a\b[^>]*?\bhref=(["'])(.*?)\1/gi)].map((m) => m[2]);
const images = (html: string) => [...html.matchAll(/<img\b[^>]*?\bsrc="([^"]*)"/gi)].map((m) => m[1]);
const listUnsubscribe = (mails: ReceivedMail[], address: string) =>
  /^List-Unsubscribe: <([^>]+)>\r?$/m.exec(mails.find((m) => m.rcptTo[0] === address)!.raw.replace(/\r?\n[ \t]+/g, ' '))![1];

const pathOf = (url: string) => {
  expect(url.startsWith(ORIGIN)).toBe(true);
  return url.slice(ORIGIN.length);
};
const get = (url: string) => app.http.get(pathOf(url)).redirects(0);
const counts = async (documentId: string) => (await campaignOf(as(), documentId)).counts;
const stampsOf = async (documentId: string) =>
  Object.fromEntries((await recipientsOf(as(), documentId)).map((r) => [r.email, { opened: Boolean(r.openedAt), clicked: Boolean(r.clickedAt) }]));

/** A click URL `<CLICK><token>/<index>` cut into its parts. */
const partsOf = (url: string) => {
  const [, token, index] = /^.*\/t\/c\/([^/]+)\/(\d+)$/.exec(url)!;
  return { token, index };
};
/** A token with its payload replaced, keeping the signature: what someone editing a link makes. */
const forge = (url: string, fields: Array<string | number>, index: number) => {
  const signature = partsOf(url).token.split('.').pop();
  return `${CLICK}${Buffer.from(fields.join('\n'), 'utf8').toString('base64url')}.${signature}/${index}`;
};
/** One character of the token changed. */
const flip = (url: string, at: number) => {
  const i = at < 0 ? url.length + at : at;
  return url.slice(0, i) + (url[i] === 'A' ? 'B' : 'A') + url.slice(i + 1);
};

it('rewrites the campaign links, redirects to them, and counts opens and clicks once per recipient', async () => {
  const [ann, bob, cid] = ['ann@example.org', 'bob@example.org', 'cid@example.org'];
  const { documentId, mails, ids } = await send('Tracked', [ann, bob, cid], { trackClicks: true, trackOpens: true });
  expect(await campaignOf(as(), documentId)).toMatchObject({ trackClicks: true, trackOpens: true });

  const annHtml = htmlTo(mails, ann);
  const [sale, about, js, unsubscribe] = hrefs(annHtml);
  expect(hrefs(annHtml)).toHaveLength(4);
  expect(sale.startsWith(CLICK)).toBe(true);
  expect(about.startsWith(CLICK)).toBe(true);
  // One token per recipient; the link is the index after it.
  expect(partsOf(sale)).toEqual({ token: partsOf(about).token, index: '0' });
  expect(partsOf(about).index).toBe('1');
  // Not rewritten: a javascript: link, and the unsubscribe link (the List-Unsubscribe URL itself).
  expect(js).toBe('javascript:alert(1)');
  expect(unsubscribe).toBe(listUnsubscribe(mails, ann));
  expect(annHtml).toContain('<p>Hi ann@example.org</p>');
  const [annPixel] = images(annHtml);
  expect(images(annHtml)).toHaveLength(1);
  expect(annPixel.startsWith(OPEN)).toBe(true);
  expect(annHtml).toMatch(/<img src="[^"]+" width="1" height="1" alt="" style="display:block;border:0">\s*<\/body>/);
  // The text part is left as written.
  expect(mails.find((m) => m.rcptTo[0] === ann)!.mail.text?.trim()).toBe('Hi ann@example.org');

  const bobHtml = htmlTo(mails, bob);
  const [bobPixel] = images(bobHtml);
  expect(hrefs(bobHtml)[0]).not.toBe(sale);
  expect(await counts(documentId)).toMatchObject({ sent: 3, opened: 0, clicked: 0 });

  // The pixel: a GIF nobody caches; a second load counts nothing more.
  for (let i = 0; i < 2; i++) {
    const pixel = await get(bobPixel).buffer(true);
    expect(pixel.status).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    expect(pixel.headers['cache-control']).toBe('no-store');
    expect(Buffer.from(pixel.body).length).toBe(43);
    const gif = Buffer.from(pixel.body);
    expect(gif.subarray(0, 10).toString('hex')).toBe(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1').toString('hex'));
    // A graphic control extension with the transparency flag set.
    const gce = gif.indexOf(Buffer.from([0x21, 0xf9, 0x04]));
    expect(gce).toBeGreaterThan(0);
    expect(gif[gce + 3] & 1).toBe(1);
  }
  expect(await counts(documentId)).toMatchObject({ opened: 1, clicked: 0 });

  // A click: 302 to the campaign's URL as this recipient's mail had it, entities decoded.
  const first = await get(sale);
  expect(first.status).toBe(302);
  expect(first.headers.location).toBe('https://shop.example/sale?u=ann@example.org&src=mail');
  const second = await get(about);
  expect(second.status).toBe(302);
  expect(second.headers.location).toBe('https://shop.example/about');
  expect((await get(sale)).status).toBe(302);
  // Two links, three clicks: one clicker. A click is an open too (images may be blocked).
  expect(await counts(documentId)).toMatchObject({ opened: 2, clicked: 1 });
  expect(await stampsOf(documentId)).toEqual({
    [ann]: { opened: true, clicked: true },
    [bob]: { opened: true, clicked: false },
    [cid]: { opened: false, clicked: false },
  });

  // The index is not signed: changed, it still leads only to the campaign's own links.
  const base = `${CLICK}${partsOf(sale).token}`;
  expect((await get(`${base}/1`)).headers.location).toBe('https://shop.example/about');

  // Altered links: 404, no redirect, nothing counted for anyone.
  const tracking = app.strapi.plugin('email-server').service('tracking');
  const annToken = partsOf(sale).token;
  const altered = [
    `${CLICK}${flip(annToken, -1)}/0`, // the signature
    `${CLICK}${flip(annToken, 2)}/0`, // the payload
    forge(sale, [documentId, ids.get(cid)!], 0), // another recipient
    forge(sale, [documentId, ids.get(ann)!, 0], 0), // the old three-field payload
    `${base}/2`, // an index past the links
    `${base}/-1`,
    `${base}/x`,
    `${base}/1.5`,
    base, // no index
    `${base}/`,
    `${CLICK}not-a-token/0`,
    `${base}.extra/0`,
    // Signed here, but naming no link, or no campaign or recipient that exists.
    `${tracking.vars({ campaign: documentId, recipient: ids.get(cid)!, email: cid }, { clicks: true, opens: false, links: 3 }).c}/2`,
    `${tracking.vars({ campaign: 'nonexistent', recipient: ids.get(cid)!, email: cid }, { clicks: true, opens: false }).c}/0`,
    `${tracking.vars({ campaign: documentId, recipient: 999_999, email: cid }, { clicks: true, opens: false }).c}/0`,
  ];
  for (const url of altered) {
    const res = await get(url);
    expect({ url, status: res.status, location: res.headers.location }).toEqual({ url, status: 404, location: undefined });
    if (url !== `${base}/`) expect(res.headers['content-type']).toMatch(/^text\/plain/);
  }
  for (const url of [flip(bobPixel, -1), flip(bobPixel, OPEN.length + 2), `${OPEN}nope`]) {
    const res = await get(url);
    expect({ url, status: res.status, type: res.headers['content-type'] }).toEqual({ url, status: 404, type: expect.stringMatching(/^text\/plain/) });
  }
  expect(await counts(documentId)).toMatchObject({ opened: 2, clicked: 1 });
  expect((await stampsOf(documentId))[cid]).toEqual({ opened: false, clicked: false });
});

it('sends a campaign without tracking byte for byte as written, and its links are not tracked', async () => {
  const address = 'dan@example.org';
  const { documentId, mails, ids } = await send('Untracked', [address], {});
  const [mail] = mails;
  expect(await campaignOf(as(), documentId)).toMatchObject({ trackClicks: false, trackOpens: false });
  const unsubscribeUrl = listUnsubscribe(mails, address);
  expect(mail.mail.html).toBe(HTML.replace(/\{\{email\}\}/g, address).replace('{{ unsubscribeUrl }}', unsubscribeUrl));
  expect(mail.raw).not.toContain('/email-server/t/');

  // Tokens signed for it still lead nowhere: the campaign does not track.
  const tracking = app.strapi.plugin('email-server').service('tracking');
  const urls = tracking.vars({ campaign: documentId, recipient: ids.get(address)!, email: address }, { clicks: true, opens: true, links: 1 });
  expect((await get(`${urls.c}/0`)).status).toBe(404);
  expect((await get(urls.o)).status).toBe(404);
  expect(await counts(documentId)).toMatchObject({ opened: 0, clicked: 0 });
});

it('tracks clicks without the pixel, and opens without rewriting links', async () => {
  const clicksOnly = await send('Clicks only', ['eve@example.org'], { trackClicks: true });
  const clicksHtml = htmlTo(clicksOnly.mails, 'eve@example.org');
  expect(images(clicksHtml)).toEqual([]);
  expect(hrefs(clicksHtml).filter((h) => h.startsWith(CLICK))).toHaveLength(2);
  expect((await get(hrefs(clicksHtml)[1])).headers.location).toBe('https://shop.example/about');
  // Without open tracking a click is only a click.
  expect(await counts(clicksOnly.documentId)).toMatchObject({ opened: 0, clicked: 1 });

  sink.clear();
  const opensOnly = await send('Opens only', ['fay@example.org'], { trackOpens: true });
  const opensHtml = htmlTo(opensOnly.mails, 'fay@example.org');
  expect(hrefs(opensHtml).filter((h) => h.includes('/email-server/t/'))).toEqual([]);
  expect(hrefs(opensHtml)[0]).toBe('https://shop.example/sale?u=fay@example.org&amp;src=mail');
  expect((await get(images(opensHtml)[0])).status).toBe(200);
  expect(await counts(opensOnly.documentId)).toMatchObject({ opened: 1, clicked: 0 });
});

it('leaves links whose host comes from recipient data untracked, and never redirects to another origin', async () => {
  sink.clear();
  const address = 'gus@example.org';
  const { data } = await createCampaign(as(), {
    name: 'Hosts from data',
    server: 'Sink',
    subject: 'News',
    html:
      '<p><a href="https://{{sub}}.shop.example/x">sub</a> <a href="https://shop.example{{path}}">glued</a> ' +
      '<a href="https:///{{site}}">no host before the slash</a> <a href="https://shop.example/{{path}}">path</a></p>',
    trackClicks: true,
    recipients: [{ email: address, data: { sub: 'evil', path: '@evil.example', site: 'evil.example/x' } }],
  });
  await as().post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  await waitForStatus(as(), data.documentId, 'completed');
  const [mail] = await sink.waitForMessages(1);
  const [sub, glued, slashes, path] = hrefs(String(mail.mail.html));
  // As written, filled in: the recipient's own doing, not a link of ours.
  expect(sub).toBe('https://evil.shop.example/x');
  expect(glued).toBe('https://shop.example@evil.example');
  // Tracked (nothing of Liquid before the first `/`), yet the data would move its host: refused.
  expect(partsOf(slashes).index).toBe('0');
  const refused = await get(slashes);
  expect({ status: refused.status, location: refused.headers.location }).toEqual({ status: 404, location: undefined });
  // In the path the same data stays on the campaign's site.
  expect(partsOf(path).index).toBe('1');
  const followed = await get(path);
  expect(followed.status).toBe(302);
  expect(new URL(followed.headers.location).origin).toBe('https://shop.example');
  expect(followed.headers.location).toBe('https://shop.example/@evil.example');
});
