// A captured (or saved) stack profile: FlameScope over time when it has a timeline,
// the flame graph of the selected range, search, icicle, a differential view
// against an earlier capture, and exports (folded, pprof, SVG).
import {
  countDistinctStacks,
  diffTrees,
  FlameGraph,
  FlameScope,
  foldedToTree,
  formatFrameValue,
  formatInteger,
  shortUserStackShare,
  stacksInRange,
  toFoldedText,
  toPprofGzip,
  toSvg,
} from '@bpfscope/charts';
import type { FlameNode } from '@bpfscope/charts';
import { useEffect, useMemo, useState } from 'react';
import type { FoldedProfile } from '../../api/types';
import { useScopeHost, useView, useViewActions } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { ShareStatus, useShare } from '../snapshots/share';
import { downloadFile, exportFileName } from '../download';
import type { EarlierCapture } from './captureStore';

/** What a shared flame graph keeps of its view. */
export interface ProfileShareRequest {
  search?: string;
  inverted: boolean;
  selection?: { from: number; to: number };
  /** The zoomed frame, as frames below the root. */
  zoom?: string[];
}

interface ProfileResultProps {
  tool: string;
  profile: FoldedProfile;
  /** Earlier captures of this page, to compare against. */
  earlier?: readonly EarlierCapture[];
  initialInverted?: boolean;
  /** The zoom the first graph opens on (a snapshot's), as frames below the root. */
  initialZoom?: readonly string[];
  /** Saves it on the host; resolves to the link. Absent for snapshots. */
  onShare?(view: ProfileShareRequest): Promise<string>;
}

const NO_ZOOM: readonly string[] = [];

/** Choices for the narrowest frame drawn, px. */
const MIN_FRAME_WIDTHS = [0.25, 0.5, 1, 2, 4];

export function ProfileResult({ tool, profile, earlier = [], initialInverted = false, initialZoom = NO_ZOOM, onShare }: ProfileResultProps) {
  const view = useView();
  const address = useScopeHost().address ?? 'host';
  const { setFilter, setSelection } = useViewActions();
  const [inverted, setInverted] = useState(initialInverted);
  const [compareWith, setCompareWith] = useState<string>('');
  // Frames narrower than this are left out: what keeps a profile of hundreds of thousands of frames quick to draw.
  const [minFrameWidth, setMinFrameWidth] = useState(1);
  const { shared, share } = useShare();

  const search = view.filter;
  // The FlameScope selection, ms since the capture started, lives in the URL like a heat map's.
  const fromMs = view.selection?.from;
  const toMs = view.selection?.to;
  const range = useMemo(() => (fromMs !== undefined && toMs !== undefined ? { fromMs, toMs } : undefined), [fromMs, toMs]);
  const stacks = useMemo(() => {
    if (!range) return profile.stacks;
    const capture = profile.timeSlotWidthMs ? { durationMs: profile.durationMs, timeSlotWidthMs: profile.timeSlotWidthMs } : undefined;
    return stacksInRange(profile.stacks, range.fromMs, range.toMs, capture);
  }, [profile.stacks, profile.durationMs, profile.timeSlotWidthMs, range]);
  const distinctStacks = useMemo(() => countDistinctStacks(stacks), [stacks]);
  const tree = useMemo(() => foldedToTree(stacks), [stacks]);
  const before = earlier.find((capture) => capture.id === compareWith);
  const shownTree: FlameNode = useMemo(() => (before ? diffTrees(foldedToTree(before.profile.stacks), foldedToTree(stacks)) : tree), [before, stacks, tree]);
  const palette = before ? 'diff' : profile.unit === 'nanoseconds' ? 'offcpu' : 'cpu';
  // The zoom, as frames, of the graph drawn: the first opens on initialZoom, a new one (range, comparison) unzoomed.
  const [zoom, setZoom] = useState<{ tree: FlameNode; frames: readonly string[] }>({ tree: shownTree, frames: initialZoom });
  const zoomFrames = zoom.tree === shownTree ? zoom.frames : NO_ZOOM;
  const scopeHeight = useFlameScopeHeight();
  const { stats } = profile;
  // Of the distinct stacks, from the folded frames: the agent's count is of raw kernel entries, over another total (it read 108%).
  const shortShare = useMemo(() => shortUserStackShare(profile.stacks), [profile.stacks]);
  // What the graph shows: the selected range of the capture, or all of it.
  const shownMs = range ? range.toMs - range.fromMs : profile.durationMs;

  const exportName = (extension: string) => exportFileName(tool, address, extension, new Date(profile.startedAt));
  const shownProfile = { ...profile, stacks };

  // The page's controls, in the graph's own toolbar row: one row of controls leaves the graph more of a short window.
  const controls = (
    <>
      <input
        className="toolbar__filter"
        data-testid={testIds.flameSearch}
        placeholder="Search frames (text or /regex/)"
        aria-label="Search frames"
        value={search}
        maxLength={256}
        onChange={(event) => setFilter(event.target.value)}
      />
      {range ? (
        <span className="muted">
          {(range.fromMs / 1000).toFixed(2)}–{(range.toMs / 1000).toFixed(2)} s{' '}
          <button type="button" className="button" onClick={() => setSelection(undefined)}>
            Whole capture
          </button>
        </span>
      ) : null}
      {earlier.length > 0 ? (
        <label className="muted">
          compare with{' '}
          <select data-testid={testIds.flameCompare} value={compareWith} onChange={(event) => setCompareWith(event.target.value)}>
            <option value="">(none)</option>
            {earlier.map((capture) => (
              <option key={capture.id} value={capture.id}>
                {capture.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="muted">
        min frame{' '}
        <select data-testid={testIds.flameMinWidth} value={minFrameWidth} onChange={(event) => setMinFrameWidth(Number(event.target.value))}>
          {MIN_FRAME_WIDTHS.map((pixels) => (
            <option key={pixels} value={pixels}>
              {pixels} px
            </option>
          ))}
        </select>
      </label>
    </>
  );
  const actions = (
    <>
      <button
        type="button"
        className="button"
        data-testid={testIds.exportFolded}
        onClick={() => downloadFile(exportName('folded.txt'), toFoldedText(stacks), 'text/plain')}
      >
        Folded
      </button>
      <button
        type="button"
        className="button"
        data-testid={testIds.exportPprof}
        onClick={() => void toPprofGzip(shownProfile).then((bytes) => downloadFile(exportName('pb.gz'), bytes, 'application/octet-stream'))}
      >
        pprof
      </button>
      <button
        type="button"
        className="button"
        data-testid={testIds.exportSvg}
        onClick={() =>
          downloadFile(exportName('svg'), toSvg(shownTree, { unit: profile.unit, palette, inverted, search, title: `${tool} on ${address}` }), 'image/svg+xml')
        }
      >
        SVG
      </button>
      {onShare ? (
        <button
          type="button"
          className="button button--primary"
          data-testid={testIds.share}
          onClick={() => {
            const request: ProfileShareRequest = { inverted };
            if (search) request.search = search;
            if (view.selection) request.selection = view.selection;
            if (zoomFrames.length > 0) request.zoom = [...zoomFrames];
            share(() => onShare(request));
          }}
        >
          Share
        </button>
      ) : null}
    </>
  );

  return (
    <div className="profile-result">
      <p className="muted" data-testid={testIds.profileStats}>
        {formatFrameValue(tree.value, profile.unit)} {profile.unit === 'samples' ? `at ${profile.frequencyHz ?? '?'} Hz` : 'blocked'} over{' '}
        {(shownMs / 1000).toFixed(1)} s{range ? ` of ${(profile.durationMs / 1000).toFixed(1)} s` : ''} · {formatInteger(distinctStacks)}{' '}
        {distinctStacks === 1 ? 'stack' : 'stacks'} · lost {stats.lostStacks} · truncated {stats.truncatedStacks} · dropped {stats.droppedSamples} · unknown
        frames {stats.unknownFrames}
      </p>
      {shortShare > 0.3 ? (
        <div
          className="banner banner--warn"
          role="status"
          title="Most distributions' libc, -O2 builds and JITs without a perf map have no frame pointers, so their user stacks stop early."
        >
          {Math.round(shortShare * 100)}% of user stacks stop after one or two frames: binaries built without frame pointers. Kernel stacks are complete.
        </div>
      ) : null}
      {profile.timeSlotWidthMs ? (
        <FlameScope
          stacks={profile.stacks}
          timeSlotWidthMs={profile.timeSlotWidthMs}
          durationMs={profile.durationMs}
          unit={profile.unit}
          selection={range}
          onSelect={(selection) =>
            setSelection(
              selection ? { from: Math.round(selection.fromMs), to: Math.max(Math.round(selection.toMs), Math.round(selection.fromMs) + 1) } : undefined,
            )
          }
          height={scopeHeight}
          testId={testIds.flameScope}
        />
      ) : null}
      <ShareStatus shared={shared} />
      <FlameGraph
        key={before ? `diff-${before.id}` : 'graph'}
        tree={shownTree}
        unit={profile.unit}
        palette={palette}
        inverted={inverted}
        onInvertedChange={setInverted}
        search={search}
        frequencyHz={profile.frequencyHz}
        minFrameWidth={minFrameWidth}
        zoomFrames={zoomFrames}
        onZoom={(_node, frames) => setZoom({ tree: shownTree, frames })}
        controls={controls}
        actions={actions}
        testId={testIds.flameGraph}
        legendTestId={testIds.flameDiffLegend}
      />
    </div>
  );
}

/**
 * The FlameScope's height, px: shorter on a short window, so the flame graph
 * below it keeps room for its root and widest frames without the page scrolling.
 */
function useFlameScopeHeight(): number {
  const pick = () => (window.innerHeight >= 860 ? 200 : window.innerHeight >= 700 ? 120 : 100);
  const [height, setHeight] = useState(pick);
  useEffect(() => {
    const onResize = () => setHeight(pick());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return height;
}
