import { render, toSubstitutionTemplate } from '../template';

describe('render', () => {
  const vars = { name: 'Ada <b>&</b> "Lovelace"', plan: "O'Brien\r\nBcc: x@evil.example" };

  it('escapes every value in HTML: a variable is text, not markup', () => {
    expect(render('<p>Hi {{name}}, {{ plan }}</p>', vars, 'html')).toBe(
      '<p>Hi Ada &lt;b&gt;&amp;&lt;/b&gt; &quot;Lovelace&quot;, O&#39;Brien\r\nBcc: x@evil.example</p>'
    );
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

  it('fills every occurrence, and leaves what is not a placeholder alone', () => {
    expect(render('{{a}}-{{a}} {{ not a var }} {a} {{}}', { a: '1' }, 'text')).toBe('1-1 {{ not a var }} {a} {{}}');
  });

  it('answers an empty template as it came (no part)', () => {
    expect(render('', vars, 'html')).toBe('');
    expect(render(null, vars, 'html')).toBeUndefined();
    expect(render(undefined, vars, 'text')).toBeUndefined();
  });
});

describe('toSubstitutionTemplate', () => {
  it("gives each placeholder a key of its part's own", () => {
    expect(toSubstitutionTemplate('<p>{{ name }} / {{plan}}</p>', 'h')).toBe('<p>{{h:name}} / {{h:plan}}</p>');
    expect(toSubstitutionTemplate('{{name}}', 't')).toBe('{{t:name}}');
    expect(toSubstitutionTemplate(null, 't')).toBeUndefined();
  });
});
