import { createEngine, describeTemplateError, requiredVariables } from '../liquid';

describe('requiredVariables', () => {
  it('names variables used outside a default filter and conditions, by root, in order of first use', () => {
    expect(
      requiredVariables(
        '{% assign y = "Q" %}{{ firstName }} {{ last | default: "x" }} {% if vip %}{{ vip }}{% endif %}{% unless z %}U{% endunless %}{% for i in list %}{{ i }}{% endfor %}{{ y }} {{ a.b }}',
        'Hi {{ firstName | upcase }} {{ nick | default: name }}'
      )
    ).toEqual(['firstName', 'vip', 'list', 'a']);
  });

  it('asks nothing of a variable whose every use has a default, and skips templates that do not parse', () => {
    expect(requiredVariables('{{ a | default: "x" }} {{ a | default: "y" }}', '{% if broken', null, '')).toEqual([]);
  });

  it('keeps old {{name}} templates working, hyphens included', () => {
    expect(requiredVariables('Hello {{firstName}} {{ plan-name }}')).toEqual(['firstName', 'plan-name']);
  });
});

describe('createEngine', () => {
  const html = createEngine({ what: 'campaigns', escapeOutput: true });
  it('refuses the file tags at parse, naming the line', () => {
    let error: unknown;
    try {
      html.parse('one\n{% include "x" %}');
    } catch (e) {
      error = e;
    }
    expect(describeTemplateError(error)).toBe('Line 2: "include" is not available in campaigns');
  });

  it('escapes output in HTML mode', () => {
    expect(html.parseAndRenderSync('<p>{{ v }}</p>', { v: '<script>x</script>' })).toBe('<p>&lt;script&gt;x&lt;/script&gt;</p>');
  });
});
