// The asset tree browser: children load when a branch is shown, and the whole tree is
// operable from the keyboard (WAI-ARIA tree pattern). The tree keeps the focus and points
// at the active item with aria-activedescendant, so items that load or vanish as branches
// open and close never strand the focus.
import { Loader, Text } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { createContext, use, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssetView } from '../../api/types';
import { problemMessage } from '../../api/problem';
import { AssetKindIcon } from './AssetKindIcon';
import { childrenQuery } from './assetsApi';
import classes from './AssetTree.module.css';

interface TreeState {
  selectedId: string | null;
  activeId: string | null;
  focused: boolean;
  expanded: ReadonlySet<string>;
  toggle: (id: string, open: boolean) => void;
  pick: (id: string) => void;
}

const TreeContext = createContext<TreeState | null>(null);

function useTree(): TreeState {
  const state = use(TreeContext);
  if (!state) throw new Error('AssetTree parts outside AssetTree');
  return state;
}

const itemId = (assetId: string) => `asset-tree-${assetId}`;

interface Props {
  label: string;
  selectedId: string | null;
  expanded: ReadonlySet<string>;
  onToggle: (id: string, open: boolean) => void;
  onSelect: (id: string) => void;
}

export function AssetTree({ label, selectedId, expanded, onToggle, onSelect }: Props) {
  const treeRef = useRef<HTMLUListElement>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const current = activeId ?? selectedId;

  // Collapsed branches are not rendered: every treeitem in the DOM is a visible one.
  const visibleItems = () =>
    Array.from(treeRef.current?.querySelectorAll<HTMLElement>('[role="treeitem"]') ?? []);

  const moveTo = (element: Element | null | undefined) => {
    if (!(element instanceof HTMLElement) || !element.dataset.assetId) return;
    setActiveId(element.dataset.assetId);
    element.querySelector(`.${classes.row}`)?.scrollIntoView({ block: 'nearest' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = visibleItems();
    const index = items.findIndex((element) => element.dataset.assetId === current);
    const item = items[index];
    if (!item?.dataset.assetId) {
      // Nothing active yet (or it was hidden by a collapse): start at the top.
      if (['ArrowDown', 'ArrowUp', 'Home', 'End', 'ArrowRight', 'ArrowLeft'].includes(event.key)) {
        event.preventDefault();
        moveTo(items[0]);
      }
      return;
    }
    const id = item.dataset.assetId;
    const expandedState = item.getAttribute('aria-expanded');
    switch (event.key) {
      case 'ArrowDown':
        moveTo(items[index + 1]);
        break;
      case 'ArrowUp':
        moveTo(items[index - 1]);
        break;
      case 'Home':
        moveTo(items[0]);
        break;
      case 'End':
        moveTo(items.at(-1));
        break;
      case 'ArrowRight':
        if (expandedState === 'false') onToggle(id, true);
        else if (expandedState === 'true') moveTo(items[index + 1]);
        break;
      case 'ArrowLeft':
        if (expandedState === 'true') onToggle(id, false);
        else moveTo(item.parentElement?.closest('[role="treeitem"]'));
        break;
      case 'Enter':
      case ' ':
        onSelect(id);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const state: TreeState = {
    selectedId,
    activeId: current,
    focused,
    expanded,
    toggle: (id, open) => {
      // Closing a branch from the mouse may hide the active item: the branch takes over.
      if (!open) setActiveId(id);
      onToggle(id, open);
    },
    pick: (id) => {
      setActiveId(id);
      onSelect(id);
    },
  };

  return (
    <TreeContext value={state}>
      <ul
        ref={treeRef}
        role="tree"
        aria-label={label}
        tabIndex={0}
        aria-activedescendant={current ? itemId(current) : undefined}
        className={classes.tree}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          // Mark the active item for keyboard users only, like :focus-visible does.
          if (event.target === event.currentTarget) setFocused(event.currentTarget.matches(':focus-visible'));
        }}
        onBlur={() => {
          setFocused(false);
        }}
      >
        <AssetBranch parent={null} level={1} />
      </ul>
    </TreeContext>
  );
}

/** The children of `parent` (the sites when null), as treeitems. */
function AssetBranch({ parent, level }: { parent: string | null; level: number }) {
  const { t } = useTranslation();
  const children = useQuery(childrenQuery(parent));
  if (children.isPending) {
    return (
      <li role="none" style={{ paddingInlineStart: level * 18 }}>
        <Loader size="xs" aria-label={t('common.loading')} />
      </li>
    );
  }
  if (children.isError) {
    return (
      <li role="none">
        <Text c="red" size="sm" py={4}>
          {problemMessage(children.error, t)}
        </Text>
      </li>
    );
  }
  return children.data.map((asset) => <AssetNode key={asset.id} asset={asset} level={level} />);
}

function AssetNode({ asset, level }: { asset: AssetView; level: number }) {
  const { t } = useTranslation();
  const tree = useTree();
  // Asking for the children up front tells whether this item can open at all.
  const children = useQuery(childrenQuery(asset.id));
  const hasChildren = (children.data?.length ?? 0) > 0;
  const open = hasChildren && tree.expanded.has(asset.id);
  const selected = tree.selectedId === asset.id;
  const labelId = `${itemId(asset.id)}-label`;

  return (
    <li
      id={itemId(asset.id)}
      role="treeitem"
      aria-labelledby={labelId}
      aria-level={level}
      aria-selected={selected}
      aria-expanded={hasChildren ? open : undefined}
      data-asset-id={asset.id}
    >
      <div
        className={classes.row}
        style={{ '--level': level } as CSSProperties}
        data-selected={selected || undefined}
        data-active={(tree.focused && tree.activeId === asset.id) || undefined}
        onClick={() => {
          tree.pick(asset.id);
        }}
      >
        {hasChildren ? (
          // Mouse and touch only: the keyboard opens branches with the arrow keys.
          <span
            className={classes.toggle}
            data-open={open || undefined}
            title={t(open ? 'assets.collapse' : 'assets.expand')}
            onClick={(event) => {
              event.stopPropagation();
              tree.toggle(asset.id, !open);
            }}
          >
            <IconChevronRight size={16} className={classes.chevron} aria-hidden />
          </span>
        ) : (
          <span className={classes.toggle} aria-hidden />
        )}
        <AssetKindIcon kind={asset.kind} />
        <span id={labelId} className={classes.label}>
          <span>{asset.name}</span>
          <span className={classes.code}>{asset.code}</span>
        </span>
      </div>
      {open && (
        <ul role="group" className={classes.group}>
          <AssetBranch parent={asset.id} level={level + 1} />
        </ul>
      )}
    </li>
  );
}
