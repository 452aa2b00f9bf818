import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-customer-base';
import { migration0003 } from './0003-records';
import { migration0004 } from './0004-city-key';
import { migration0005 } from './0005-list-indexes';
import { migration0006 } from './0006-purchase-lookups';
import { migration0007 } from './0007-privacy';
import { migration0008 } from './0008-consent-indexes';
import { migration0009 } from './0009-retention-indexes';
import { migration0010 } from './0010-loyalty';
import { migration0011 } from './0011-segments';
import { migration0012 } from './0012-analytics';
import { migration0013 } from './0013-ledger-member-index';
import { migration0014 } from './0014-voucher-sales';
import { migration0015 } from './0015-search-index-rowids';
import { migration0016 } from './0016-tag-sort-indexes';
import { migration0017 } from './0017-portable-city-key';
import { migration0018 } from './0018-retention-sales';
import { migration0019 } from './0019-line-quantity-thousandths';
import { migration0020 } from './0020-sale-units';
import { migration0021 } from './0021-check-comparisons';
import { migration0022 } from './0022-bought-lines-index';
import { migration0023 } from './0023-import-changed-base';
import type { Migration } from './types';

/** Static list (bundlers cannot follow a directory scan). Versions must be 1..N in order. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014, migration0015, migration0016, migration0017, migration0018, migration0019, migration0020, migration0021, migration0022, migration0023];

export const latestVersion = migrations.length;
