import { conversationQuerySchema, conversationUpdateSchema, forwardSchema, replySchema } from '../inbox';

const errorsOf = async (schema: any, value: unknown) => {
  try {
    await schema.validate(value, { abortEarly: false });
    return [];
  } catch (error: any) {
    return error.inner.map((e: any) => [e.path, e.message]);
  }
};

describe('reply addresses', () => {
  it('takes a form field with several addresses, separated by commas or semicolons', async () => {
    const reply = await replySchema.validate({ text: 'Hi', to: 'dan@example.com, eve@example.org;', cc: ['a@example.com', 'b@example.com'] });
    expect(reply.to).toEqual(['dan@example.com', 'eve@example.org']);
    expect(reply.cc).toEqual(['a@example.com', 'b@example.com']);
    expect(reply.bcc).toBeUndefined();
  });

  it('names the bad address on its field', async () => {
    expect(await errorsOf(replySchema, { text: 'Hi', cc: 'dan@example.com, not an address' })).toEqual([
      ['cc[1]', 'Must be email addresses such as dan@example.com, separated by commas.'],
    ]);
  });

  it('refuses header tricks in an address', async () => {
    expect(await errorsOf(replySchema, { text: 'Hi', bcc: ['x@example.com\r\nBcc: all@example.com'] })).toHaveLength(1);
  });

  it('needs someone to forward to', async () => {
    expect(await errorsOf(forwardSchema, { to: [] })).toEqual([['to', 'This field is required.']]);
  });
});

describe('conversation list and update', () => {
  it('reads assignee as me, none or an id', async () => {
    expect((await conversationQuerySchema.validate({ assignee: 'me' })).assignee).toBe('me');
    expect((await conversationQuerySchema.validate({ assignee: '12' })).assignee).toBe(12);
    expect(await errorsOf(conversationQuerySchema, { assignee: 'bob' })).toEqual([['assignee', 'Must be me, none or an admin user id.']]);
  });

  it('takes an assignee or null, and refuses an empty update', async () => {
    expect(await conversationUpdateSchema.validate({ assignee: null })).toEqual({ assignee: null });
    expect(await errorsOf(conversationUpdateSchema, {})).toEqual([['status', 'Give a status or an assignee.']]);
  });
});
