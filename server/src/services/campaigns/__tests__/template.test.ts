import { assertTemplatesParse, render, renderPieces, compile } from '../template';

describe('render (Liquid)', () => {
  const vars = { name: 'Ada <b>&</b> "Lovelace"', plan: "O'Brien\r\nBcc: x@evil.example" };

  it('escapes every output in HTML: a variable is text, not markup', () => {
    expect(render('<p>Hi {{name}}, {{ plan }}</p>', vars, 'html')).toBe(
      '<p>Hi Ada &lt;b&gt;&amp;&lt;/b&gt; &#34;Lovelace&#34;, O&#39;Brien\r\nBcc: x@evil.example</p>'
    );
    expect(render('{{ v }}', { v: '<script>alert(1)</script>' }, 'html')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps values as they are in the text part', () => {
    expect(render('Hi {{name}}', vars, 'text')).toBe('Hi Ada <b>&</b> "Lovelace"');
  });

  it('turns line breaks into spaces in a header, so a value cannot start a new header', () => {
    expect(render('Your plan: {{plan}}', vars, 'header')).toBe("Your plan: O'Brien Bcc: x@evil.example");
  });

  it('fills an unknown variable with nothing, and does not read inherited properties', () => {
    expect(render('[{{missing}}][{{constructor}}][{{toString}}]', vars, 'text')).toBe('[][][]');
  });

  it('has defaults, filters and conditions', () => {
    expect(render('Hi {{ firstName | default: "there" }}', {}, 'text')).toBe('Hi there');
    expect(render('{{ firstName | upcase }}', { firstName: 'ann' }, 'text')).toBe('ANN');
    expect(render('{% if vip == "yes" %}Gold{% else %}Std{% endif %}', { vip: 'yes' }, 'text')).toBe('Gold');
  });

  it('answers an empty template as it came (no part)', () => {
    expect(render('', vars, 'html')).toBe('');
    expect(render(null, vars, 'html')).toBeUndefined();
    expect(render(undefined, vars, 'text')).toBeUndefined();
  });
});

describe('renderPieces', () => {
  it('renders top-level pieces in one scope, so an assign is seen by the pieces after it', () => {
    const pieces = compile('{% assign who = name | upcase %}{{ who }}', 'text');
    expect(renderPieces(pieces, { name: 'ann' }, 'text')).toEqual(['', 'ANN']);
  });
});

describe('assertTemplatesParse', () => {
  it('names each field that does not parse, with the line', () => {
    let error: any;
    try {
      assertTemplatesParse({ subject: ['ok {{ a }}', 'header'], html: ['<p>\n{% include "x" %}</p>', 'html'], text: ['a\n\n{% if x %}', 'text'] });
    } catch (e) {
      error = e;
    }
    expect(error.details.errors.map((e: any) => [e.path[0], e.message])).toEqual([
      ['html', 'Line 2: "include" is not available in campaigns'],
      ['text', expect.stringMatching(/^Line 3: .*not closed/)],
    ]);
  });
});
