import { sanitizeMailHtml, withRemoteImages } from '../mail-html';
import { cut, withoutNul } from '../fit';

describe('sanitizeMailHtml', () => {
  it('keeps local inline CSS and drops every declaration that can fetch something', () => {
    const html = sanitizeMailHtml(
      [
        '<p style="color:#333; font-family: \'Helvetica Neue\', Arial; padding: 4px 8px; width: calc(100% - 2px)">ok</p>',
        '<p style="background: URL( https://t.example/a.gif )">a</p>',
        '<p style="background-image: \\75rl(https://t.example/b.gif)">b</p>',
        '<p style="background: image-set(\'https://t.example/c.gif\' 1x)">c</p>',
        '<p style="cursor: url(https://t.example/d.cur), auto; behavior: url(x.htc); -moz-binding: url(x.xml)">d</p>',
        '<p style="width: expression(alert(1))">e</p>',
      ].join('')
    );
    expect(html).toContain("color:#333;font-family:'Helvetica Neue', Arial;padding:4px 8px;width:calc(100% - 2px)");
    for (const bad of ['t.example', 'url', 'URL', '\\75', 'image-set', 'expression', 'behavior', 'binding', 'cursor']) {
      expect(html).not.toContain(bad);
    }
  });

  it('holds remote images back, and only ours come back with withRemoteImages', () => {
    const html = sanitizeMailHtml(
      '<img src="https://t.example/p.gif?a=1&b=2" alt="x&quot; src=&quot;https://evil.example/"><img data-remote-src="javascript:alert(1)"><img src="cid:logo">'
    );
    expect(html).not.toMatch(/ src="https:/);
    expect(html).not.toContain('javascript:');
    const remote = withRemoteImages(html);
    expect(remote).toContain('src="https://t.example/p.gif?a=1&amp;b=2"');
    expect(remote).not.toContain('src="https://evil.example');
    expect(remote).toContain('src="cid:logo"');
  });
});

describe('fit', () => {
  it('cuts without splitting a surrogate pair and removes NUL everywhere', () => {
    expect(cut('ab😀', 3)).toBe('ab');
    expect(withoutNul({ a: 'x\u0000y', b: ['\u0000'], c: 1, d: null })).toEqual({ a: 'xy', b: [''], c: 1, d: null });
  });
});
