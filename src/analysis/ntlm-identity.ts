import {
  avPairText,
  avPairTimestamp,
  filetimeToDate,
  MSV_AV_DNS_COMPUTER_NAME,
  MSV_AV_DNS_DOMAIN_NAME,
  MSV_AV_DNS_TREE_NAME,
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  ntlmFlagNames,
  type NtlmChallenge,
} from '../../protocol/ntlm.js';
import type { NtlmInfo } from '../record.js';

/**
 * The record's NtlmInfo for a CHALLENGE. `now` is the prober's clock when the CHALLENGE arrived;
 * clock_skew_seconds is server minus prober, rounded to 0.1 s. A zero timestamp counts as absent.
 */
export function challengeToInfo(challenge: NtlmChallenge, now: Date): NtlmInfo {
  const pairs = challenge.targetInfo;
  const ft = avPairTimestamp(pairs);
  const serverTime = ft === null || ft === 0n ? null : filetimeToDate(ft);
  const v = challenge.version;
  return {
    target_name: challenge.targetName === '' ? null : challenge.targetName,
    netbios_domain: avPairText(pairs, MSV_AV_NB_DOMAIN_NAME),
    netbios_computer: avPairText(pairs, MSV_AV_NB_COMPUTER_NAME),
    dns_domain: avPairText(pairs, MSV_AV_DNS_DOMAIN_NAME),
    dns_computer: avPairText(pairs, MSV_AV_DNS_COMPUTER_NAME),
    dns_tree: avPairText(pairs, MSV_AV_DNS_TREE_NAME),
    os_version: v === null ? null : `${v.major}.${v.minor}.${v.build}`,
    server_time: serverTime === null ? null : serverTime.toISOString(),
    clock_skew_seconds: serverTime === null ? null : Math.round((serverTime.getTime() - now.getTime()) / 100) / 10 + 0,
    negotiate_flags: ntlmFlagNames(challenge.flags),
  };
}
