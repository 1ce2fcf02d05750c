import dns from 'node:dns/promises';
import net from 'node:net';

/**
 * Loopback, link-local and private ranges. With `blockPrivateNetworks` on, a mail server that
 * resolves into one of them is refused, so an admin cannot use "Test connection" or a send to
 * reach services inside the network Strapi runs in.
 */
const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['192.0.0.0', 24],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // Addresses that carry an IPv4 address: NAT64 and 6to4 can reach private IPv4 through a gateway.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

export const isPrivateAddress = (address: string): boolean => {
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return false;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/**
 * The first private address `host` resolves to, or null. A name that does not resolve is left to
 * the connection, which reports "host not found" itself.
 */
export const privateAddressOf = async (host: string): Promise<string | null> => {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (net.isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await dns.lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return null;
    }
  }
  return addresses.find(isPrivateAddress) ?? null;
};

/** Says which host, not which address: the refusal must not become a way to read internal DNS. */
export const privateNetworkMessage = (host: string) =>
  `${host} resolves to a loopback, link-local or private address, and this Strapi refuses those for mail servers (blockPrivateNetworks).`;
