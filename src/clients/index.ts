// Every client profile, in the order a report lists them (most used Windows clients first).

import type { ClientProfile } from './profile.js';
import { FREERDP_2 } from './profiles/freerdp-2.js';
import { FREERDP_3, FREERDP_3_PRE_3_27 } from './profiles/freerdp-3.js';
import { MSTSC_6 } from './profiles/mstsc-6.js';
import { MSTSC_WIN10, MSTSC_WIN10_1607 } from './profiles/mstsc-win10.js';
import { MSTSC_WIN11 } from './profiles/mstsc-win11.js';
import { MSTSC_WIN7, MSTSC_WIN7_KB3080079 } from './profiles/mstsc-win7.js';
import { MSTSC_WIN81 } from './profiles/mstsc-win81.js';
import { RD_ANDROID } from './profiles/rd-android.js';
import { RD_IOS } from './profiles/rd-ios.js';
import { REMMINA } from './profiles/remmina.js';
import { WINDOWS_APP_MACOS } from './profiles/windows-app-macos.js';

export * from './profile.js';

export const CLIENT_PROFILES: readonly ClientProfile[] = [
  MSTSC_WIN11,
  MSTSC_WIN10,
  MSTSC_WIN10_1607,
  MSTSC_WIN81,
  MSTSC_WIN7_KB3080079,
  MSTSC_WIN7,
  MSTSC_6,
  WINDOWS_APP_MACOS,
  RD_IOS,
  RD_ANDROID,
  FREERDP_3,
  FREERDP_3_PRE_3_27,
  FREERDP_2,
  REMMINA,
];

/** The profile with this id, or undefined. */
export function clientProfile(id: string): ClientProfile | undefined {
  return CLIENT_PROFILES.find((p) => p.id === id);
}

/** Every profile id, in report order. */
export const CLIENT_PROFILE_IDS: readonly string[] = CLIENT_PROFILES.map((p) => p.id);
