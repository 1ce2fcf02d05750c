import { decodeAttribute, instrumentHtml } from '../tracking';

const clicks = { clicks: true, opens: false };
const PIXEL = '<img src="{{ _track.o }}" width="1" height="1" alt="" style="display:block;border:0">';

describe('instrumentHtml', () => {
  it('rewrites double-, single- and unquoted hrefs in place, in order, and changes nothing else', () => {
    const source =
      '<p class=x>Hi <a  class="btn" href="https://a.example/1" target=_blank>one</a>,\n' +
      "<a href='http://b.example/2?x=1&amp;y=2'>two</a> <a title=t href=https://c.example/3>three</a></p>";
    const { html, links } = instrumentHtml(source, clicks);
    expect(links).toEqual(['https://a.example/1', 'http://b.example/2?x=1&amp;y=2', 'https://c.example/3']);
    expect(html).toBe(
      '<p class=x>Hi <a  class="btn" href="{{ _track.c }}/0" target=_blank>one</a>,\n' +
        "<a href='{{ _track.c }}/1'>two</a> <a title=t href=\"{{ _track.c }}/2\">three</a></p>"
    );
  });

  it('reads HREF and A in any case, and keeps their spelling', () => {
    const { html, links } = instrumentHtml('<A HREF = "HTTPS://Shop.example/">x</A>', clicks);
    expect(links).toEqual(['HTTPS://Shop.example/']);
    expect(html).toBe('<A HREF = "{{ _track.c }}/0">x</A>');
  });

  it('keeps the Liquid inside an href as the link source', () => {
    const source = '<a href="https://shop.example/?u={{ email }}&amp;n={{ firstName | default: &quot;x&quot; }}">Shop</a>';
    const { html, links } = instrumentHtml(source, clicks);
    expect(links).toEqual(['https://shop.example/?u={{ email }}&amp;n={{ firstName | default: &quot;x&quot; }}']);
    expect(html).toBe('<a href="{{ _track.c }}/0">Shop</a>');
  });

  it('hides Liquid from the parser: a string literal in a double-quoted href does not end it', () => {
    const source = '<a href="https://x.example/?n={{ firstName | default: "x" }}&amp;s={% if a > 1 %}b{% endif %}" class="btn">Hi</a>';
    const { html, links } = instrumentHtml(source, clicks);
    expect(links).toEqual(['https://x.example/?n={{ firstName | default: "x" }}&amp;s={% if a > 1 %}b{% endif %}']);
    expect(html).toBe('<a href="{{ _track.c }}/0" class="btn">Hi</a>');
  });

  it('leaves a link with an unclosed {{ or {% as written', () => {
    const source = '<a href="https://x.example/{{ a">one</a> <a href="https://y.example/{% if x">two</a>';
    expect(instrumentHtml(source, clicks)).toEqual({ html: source, links: [] });
  });

  it('does not track a link whose scheme or host comes from a variable, and tracks one whose path does', () => {
    const hosts = [
      '<a href="https://{{ sub }}.shop.example/x">sub</a>',
      '<a href="https://shop.example{{ path }}">path glued to the host</a>',
      '<a href="https://shop.example:{{ port }}/">port</a>',
      '<a href="https://{{user}}@shop.example/">userinfo</a>',
      '<a href="https://{% if a %}a{% else %}b{% endif %}.example/">tag</a>',
      '<a href="https://shop.example{{ \'/x\' }}">literal</a>',
      '<a href="https://shop.example?{{ q }}">query</a>',
    ];
    // The last one has its Liquid after the `?`: the host is written out.
    expect(instrumentHtml(hosts.join('\n'), clicks).links).toEqual(['https://shop.example?{{ q }}']);
    const { links } = instrumentHtml('<a href="https://shop.example/{{ path }}#{{ h }}">p</a>', clicks);
    expect(links).toEqual(['https://shop.example/{{ path }}#{{ h }}']);
  });

  it('leaves links it must not or cannot track as they are', () => {
    const source = [
      '<a name="top">anchor without href</a>',
      '<a href="#top">up</a>',
      '<a href="">empty</a>',
      '<a href>no value</a>',
      '<a href="mailto:info@example.com">mail</a>',
      '<a href="tel:+4930123">call</a>',
      '<a href="javascript:alert(1)">js</a>',
      '<a href="&#x6A;avascript:alert(1)">js in entities</a>',
      '<a href="/relative/page">relative</a>',
      '<a href="{{ link }}">from a variable</a>',
      '<a href="{{ unsubscribeUrl }}">unsubscribe</a>',
      '<a href="{{unsubscribeUrl}}">unsubscribe</a>',
      "<a href='  {{-  unsubscribeUrl  }} '>unsubscribe</a>",
      '<a href="https://cms.example.com/api/email-server/unsubscribe/abc.def">pasted unsubscribe</a>',
      '<area href="https://map.example/">',
      '<link href="https://fonts.example/css" rel="stylesheet">',
    ].join('\n');
    expect(instrumentHtml(source, clicks)).toEqual({ html: source, links: [] });
  });

  it('ignores links inside HTML comments and scripts', () => {
    const source = '<!-- <a href="https://old.example/">old</a> --><!--[if mso]><a href="https://mso.example/">o</a><![endif]--><a href="https://new.example/">new</a>';
    const { html, links } = instrumentHtml(source, clicks);
    expect(links).toEqual(['https://new.example/']);
    expect(html).toBe('<!-- <a href="https://old.example/">old</a> --><!--[if mso]><a href="https://mso.example/">o</a><![endif]--><a href="{{ _track.c }}/0">new</a>');
  });

  it('does not rewrite <base>, and leaves the relative links it resolves alone', () => {
    const source = '<html><head><base href="https://shop.example/"></head><body><a href="sale">sale</a> <a href="https://shop.example/full">full</a></body></html>';
    const { html, links } = instrumentHtml(source, clicks);
    expect(links).toEqual(['https://shop.example/full']);
    expect(html).toBe('<html><head><base href="https://shop.example/"></head><body><a href="sale">sale</a> <a href="{{ _track.c }}/0">full</a></body></html>');
  });

  it('follows only the first href of a tag, as browsers do', () => {
    const { html, links } = instrumentHtml('<a href="https://one.example/" href="https://two.example/">x</a>', clicks);
    expect(links).toEqual(['https://one.example/']);
    expect(html).toBe('<a href="{{ _track.c }}/0" href="https://two.example/">x</a>');
  });

  it('puts the pixel before </body>, or at the end without one', () => {
    const page = '<html><BODY><p>Hi</p></BODY></html>';
    expect(instrumentHtml(page, { clicks: false, opens: true })).toEqual({ html: `<html><BODY><p>Hi</p>${PIXEL}</BODY></html>`, links: [] });
    const fragment = '<p>Hi <a href="https://a.example/">a</a></p>';
    expect(instrumentHtml(fragment, { clicks: false, opens: true }).html).toBe(`${fragment}${PIXEL}`);
    // A </body> in a comment is not the body's end.
    const commented = '<p>Hi</p><!-- </body> -->';
    expect(instrumentHtml(commented, { clicks: true, opens: true }).html).toBe(`${commented}${PIXEL}`);
  });

  it('with both: links by index and the pixel, and the same links as with clicks alone', () => {
    const source = '<body><a href="https://a.example/">a</a><a href="https://b.example/">b</a></body>';
    const both = instrumentHtml(source, { clicks: true, opens: true });
    expect(both.html).toBe(`<body><a href="{{ _track.c }}/0">a</a><a href="{{ _track.c }}/1">b</a>${PIXEL}</body>`);
    expect(both.links).toEqual(instrumentHtml(source, clicks).links);
  });

  it('returns the source itself when nothing is tracked', () => {
    const source = '<a href="https://a.example/">a</a>';
    expect(instrumentHtml(source, { clicks: false, opens: false })).toEqual({ html: source, links: [] });
  });
});

describe('decodeAttribute', () => {
  it('decodes entities as a browser reads the href', () => {
    expect(decodeAttribute('https://a.example/?x=1&amp;y=2&#38;z=&quot;3&quot;')).toBe('https://a.example/?x=1&y=2&z="3"');
    expect(decodeAttribute('say "hi"')).toBe('say "hi"');
  });
});
