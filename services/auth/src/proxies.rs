//! The client's address, for counting sign-in attempts: the peer's, unless the peer is a
//! proxy the operator named in `GAMME_TRUSTED_PROXIES` (none by default). Only then is
//! `X-Forwarded-For` read, from the right, skipping the trusted proxies it went through: the
//! first address no trusted proxy vouches for is the client. Anyone can send the header, so
//! believing it from anywhere else would let a guesser pick a fresh address per attempt.

use std::{net::IpAddr, str::FromStr};

/// A network in CIDR notation (`10.0.0.0/8`, `::1/128`), or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl FromStr for Network {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (ip, prefix) = raw.trim().split_once('/').map_or((raw.trim(), None), |(ip, p)| (ip, Some(p)));
        let base: IpAddr = ip.parse().map_err(|_| format!("`{raw}` is not an IP address or network"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("`{raw}`: bad prefix length"))?
            }
        };
        Ok(Self { base, prefix })
    }
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(ip: IpAddr) -> (u128, u8) {
            match ip {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)), 32),
                    None => (u128::from(v6), 128),
                },
            }
        }
        let ((base, width), (addr, addr_width)) = (bits(self.base), bits(ip));
        if width != addr_width {
            return false;
        }
        let host_bits = u32::from(width - self.prefix.min(width));
        let mask = if host_bits >= 128 { 0 } else { u128::MAX << host_bits };
        (base & mask) == (addr & mask)
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Network>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list of addresses and networks.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        raw.split(',').filter(|s| !s.trim().is_empty()).map(Network::from_str).collect::<Result<_, _>>().map(Self)
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address, from the connection's `peer` and its `X-Forwarded-For` values.
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let mut client = peer?;
        if !self.trusts(client) {
            return Some(client);
        }
        for hop in forwarded_for.iter().rev().flat_map(|v| v.rsplit(',')).map(str::trim) {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_hold_their_addresses() {
        let n: Network = "10.1.0.0/16".parse().unwrap();
        assert!(n.contains(ip("10.1.200.3")) && !n.contains(ip("10.2.0.1")));
        assert!("127.0.0.1".parse::<Network>().unwrap().contains(ip("::ffff:127.0.0.1")));
        assert!("::1/128".parse::<Network>().unwrap().contains(ip("::1")));
        assert!("0.0.0.0/0".parse::<Network>().unwrap().contains(ip("203.0.113.9")));
        assert!("10.0.0.0/33".parse::<Network>().is_err() && "nginx".parse::<Network>().is_err());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(Some(ip("127.0.0.1")), &["203.0.113.9"]), Some(ip("127.0.0.1")));
        let local: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        assert_eq!(local.client(Some(ip("127.0.0.1")), &["203.0.113.9"]), Some(ip("203.0.113.9")));
        // The client cannot pick its address by writing its own header in front.
        assert_eq!(local.client(Some(ip("127.0.0.1")), &["1.2.3.4, 203.0.113.9, 10.0.0.5"]), Some(ip("203.0.113.9")));
        assert_eq!(local.client(Some(ip("192.0.2.1")), &["203.0.113.9"]), Some(ip("192.0.2.1")));
        assert_eq!(local.client(Some(ip("127.0.0.1")), &[]), Some(ip("127.0.0.1")));
    }
}
