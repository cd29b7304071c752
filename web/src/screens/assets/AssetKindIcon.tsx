// One icon per kind of asset, so the tree reads at a glance.
import { IconBuildingFactory2, IconLayoutGrid, IconTool } from '@tabler/icons-react';
import type { AssetKind } from '../../api/types';

export function AssetKindIcon({ kind, size = 18 }: { kind: AssetKind; size?: number }) {
  switch (kind) {
    case 'site':
      return <IconBuildingFactory2 size={size} aria-hidden />;
    case 'area':
      return <IconLayoutGrid size={size} aria-hidden />;
    case 'equipment':
      return <IconTool size={size} aria-hidden />;
  }
}
