import emailServer from './email-server';

export default {
  'email-server': emailServer,
};
