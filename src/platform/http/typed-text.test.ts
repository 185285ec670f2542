import { describe, expect, it } from 'vitest';
import { typedTextHtml } from './typed-text.js';

describe('typedTextHtml', () => {
  it('escapes what was typed before turning its line breaks into <br>, a blank line into an empty line', () => {
    expect(typedTextHtml('One <i>&</i>\r\nTwo\n\n\n  \nThree\'s')).toBe('One &lt;i&gt;&amp;&lt;/i&gt;<br>Two<br><br>Three&#39;s');
  });

  it('gives nothing for no text', () => {
    expect(typedTextHtml(null)).toBe('');
    expect(typedTextHtml('  \n ')).toBe('');
  });
});
