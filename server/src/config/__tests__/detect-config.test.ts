import config from '..';

const check = (detect: unknown) => () => config.validator({ detect } as any);

it('accepts the detect defaults and loopback test settings', () => {
  expect(check(config.default.detect)).not.toThrow();
  expect(
    check({ dnsServers: ['127.0.0.1:5353', '1.1.1.1', '[::1]:53'], timeoutMs: 500, totalTimeoutMs: 2000, autoconfigUrls: ['http://autoconfig.{domain}:8080/mail/config-v1.1.xml?emailaddress={email}'] })
  ).not.toThrow();
});

it('refuses detect settings that the resolver or the autoconfig request could not use, naming the key', () => {
  expect(check({ dnsServers: 'dns.example.com' })).toThrow('config.detect.dnsServers');
  expect(check({ dnsServers: ['dns.example.com'] })).toThrow('config.detect.dnsServers');
  expect(check({ timeoutMs: 0 })).toThrow('config.detect.timeoutMs');
  expect(check({ totalTimeoutMs: 1.5 })).toThrow('config.detect.totalTimeoutMs');
  expect(check({ autoconfigUrls: ['ftp://{domain}/config.xml'] })).toThrow('config.detect.autoconfigUrls');
  expect(check({ autoconfigUrls: ['https://autoconfig.example.com/config.xml'] })).toThrow('config.detect.autoconfigUrls');
});
