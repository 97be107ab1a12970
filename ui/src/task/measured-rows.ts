/**
 * Virtualised rows of different heights: only the rows in view (plus some on either side) are in
 * the DOM, each placed below the one before. A row's height is estimated until it has been drawn,
 * then measured, so a message of several lines (a stack trace) or a wrapped long line takes the
 * room it needs instead of overlapping the rows after it.
 */
import { useLayoutEffect, useMemo, useRef, useState, type RefObject } from "react";

const OVERSCAN = 20;

export interface RowWindow {
  /** The rows to draw: indexes [first, last). */
  readonly first: number;
  readonly last: number;
  /** The top of each row, and the height of them all. */
  top(index: number): number;
  readonly totalHeight: number;
}

interface Options<T> {
  readonly items: readonly T[];
  readonly keyOf: (item: T) => number;
  readonly estimate: (item: T) => number;
  /** The scrolling box; its drawn rows carry `data-row-key`. */
  readonly box: RefObject<HTMLElement | null>;
  readonly scrollTop: number;
  readonly viewHeight: number;
  /** When it changes (wrapping on or off, another width), measured heights are forgotten. */
  readonly layoutKey: string;
}

export function useMeasuredRows<T>({ items, keyOf, estimate, box, scrollTop, viewHeight, layoutKey }: Options<T>): RowWindow {
  const heights = useRef(new Map<number, number>());
  const [measured, setMeasured] = useState(0);
  const forgotten = useRef(layoutKey);
  if (forgotten.current !== layoutKey) {
    forgotten.current = layoutKey;
    heights.current.clear();
  }

  const offsets = useMemo(() => {
    const tops = new Float64Array(items.length + 1);
    items.forEach((item, i) => {
      tops[i + 1] = (tops[i] ?? 0) + (heights.current.get(keyOf(item)) ?? estimate(item));
    });
    return tops;
    // `measured` counts new measurements: the heights map changed.
  }, [items, keyOf, estimate, measured, layoutKey]);

  const indexAt = (y: number): number => {
    // The last row whose top is at or above y.
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((offsets[mid] ?? 0) <= y) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const first = Math.max(0, indexAt(scrollTop) - OVERSCAN);
  const last = Math.min(items.length, indexAt(scrollTop + viewHeight) + 1 + OVERSCAN);

  // After every draw: measure the drawn rows; a height that changed moves the rows below it.
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    let changed = false;
    for (const row of element.querySelectorAll<HTMLElement>("[data-row-key]")) {
      const key = Number(row.dataset.rowKey);
      const height = row.getBoundingClientRect().height;
      if (height > 0 && heights.current.get(key) !== height) {
        heights.current.set(key, height);
        changed = true;
      }
    }
    if (changed) setMeasured((m) => m + 1);
  });

  return { first, last, top: (index) => offsets[index] ?? 0, totalHeight: offsets[items.length] ?? 0 };
}
