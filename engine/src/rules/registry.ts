// Every rule, in code order. Adding a diagnostic = adding its folder and one line here.
import type { Rule } from './rule';
import HVT001 from './HVT001-backward-time/rule';
import HVT002 from './HVT002-vcpu-offset-mismatch/rule';
import HVT003 from './HVT003-physical-offset-untrapped/rule';
import HVT004 from './HVT004-physical-offset-trapping/rule';
import HVT010 from './HVT010-guest-time-jump/rule';
import HVT011 from './HVT011-restore-drift/rule';
import HVT012 from './HVT012-last-writer-wins/rule';
import HVT013 from './HVT013-counter-write-ignored/rule';
import HVT014 from './HVT014-offset-reset-by-vcpu-create/rule';
import HVT015 from './HVT015-frequency-mismatch/rule';
import HVT020 from './HVT020-deadline-before-tsc/rule';
import HVT021 from './HVT021-run-before-clock-restore/rule';
import HVT022 from './HVT022-guest-stopped-not-signalled/rule';
import HVT023 from './HVT023-tsc-write-matched/rule';
import HVT030 from './HVT030-stolen-time-decreased/rule';
import HVT031 from './HVT031-stolen-exceeds-elapsed/rule';
import HVT032 from './HVT032-pvtime-address-invalid/rule';
import HVT033 from './HVT033-pvtime-not-configured/rule';
import HVT034 from './HVT034-pvtime-discovery/rule';
import HVT035 from './HVT035-stolen-undercount/rule';
import HVT036 from './HVT036-steal-torn-read/rule';
import HVT040 from './HVT040-timer-early/rule';
import HVT041 from './HVT041-timer-late/rule';
import HVT042 from './HVT042-timer-lost/rule';
import HVT043 from './HVT043-timer-storm/rule';
import HVT044 from './HVT044-timer-shifted/rule';
import HVT045 from './HVT045-deadline-order/rule';
import HVT090 from './HVT090-parse-error/rule';
import HVT091 from './HVT091-unknown-name/rule';
import HVT092 from './HVT092-out-of-order/rule';
import HVT093 from './HVT093-model-disagreement/rule';
import HVT094 from './HVT094-proposed-api/rule';
import HVT095 from './HVT095-assumed-value/rule';

export const RULES: readonly Rule[] = [
  HVT001,
  HVT002,
  HVT003,
  HVT004,
  HVT010,
  HVT011,
  HVT012,
  HVT013,
  HVT014,
  HVT015,
  HVT020,
  HVT021,
  HVT022,
  HVT023,
  HVT030,
  HVT031,
  HVT032,
  HVT033,
  HVT034,
  HVT035,
  HVT036,
  HVT040,
  HVT041,
  HVT042,
  HVT043,
  HVT044,
  HVT045,
  HVT090,
  HVT091,
  HVT092,
  HVT093,
  HVT094,
  HVT095,
];

export const ruleByCode = (code: string): Rule | undefined => RULES.find((r) => r.meta.code === code);
