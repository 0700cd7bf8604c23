import { useEffect, useRef, useState } from 'react';

/**
 * The part of a TanStack mutation a dry-run-then-confirm dialog reads. The
 * dry run and the real run are two mutations of the same request, so that a
 * new dry run never hides the real run's answer or error, nor the reverse.
 */
export interface DryRunMutation<TVariables, TAnswer> {
  mutate: (variables: TVariables) => void;
  reset: () => void;
  data: TAnswer | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
}

/**
 * Where the dialog is: `idle` before the first dry run starts; `stale` when
 * the input changed after a dry run answered (its answer is for other input,
 * so it unlocks nothing); `planned` when the dry run of this very input is on
 * screen, the one state from which the operator can confirm.
 */
export type DryRunPhase = 'idle' | 'dry-running' | 'dry-run-failed' | 'stale' | 'planned' | 'confirming' | 'confirm-failed' | 'done';

type Snapshot<TAnswer> = Pick<DryRunMutation<unknown, TAnswer>, 'data' | 'error' | 'isPending' | 'isError'>;

/** What the dialog shows, from the two mutations and which input the last dry run was of. */
export function dryRunView<TAnswer>(dry: Snapshot<TAnswer>, run: Snapshot<TAnswer>, dryRunKey: string | null, key: string) {
  const plan = dry.data !== undefined && dryRunKey === key ? dry.data : null;
  const stale = dry.data !== undefined && dryRunKey !== key;
  const result = run.data;
  const phase: DryRunPhase =
    result !== undefined
      ? 'done'
      : run.isPending
        ? 'confirming'
        : run.isError
          ? 'confirm-failed'
          : dry.isPending
            ? 'dry-running'
            : dry.isError
              ? 'dry-run-failed'
              : stale
                ? 'stale'
                : plan !== null
                  ? 'planned'
                  : 'idle';
  return {
    phase,
    /** The dry run's answer for the current input, else null. */
    plan,
    stale,
    /** A dry run has answered, for this input or another. */
    dryRunAnswered: dry.data !== undefined,
    dryRunning: dry.isPending,
    dryRunError: dry.isError ? dry.error : null,
    /** The real run's answer. */
    result,
    confirming: run.isPending,
    confirmError: run.isError ? run.error : null,
  };
}

/**
 * The state of a dialog that dry-runs first and acts only once the operator
 * confirms (replay of an event, of a workflow, in bulk): the dry run starts
 * as the dialog opens (once, also under StrictMode's double effects), runs
 * again on `dryRun()`, and only its answer for the current input enables
 * `confirm()`. The dialog mounts when it opens; `close()` drops both answers
 * before the dialog's own `onClose`.
 *
 * `useAction` is the feature's mutation hook (called twice: the dry run and
 * the real run); `request` builds its input, the key of a dry run is that
 * input as JSON.
 */
export function useDryRunThenConfirm<TInput, TVariables, TAnswer>({
  useAction,
  request,
  input,
  onClose,
}: {
  useAction: () => DryRunMutation<TVariables, TAnswer>;
  request: (input: TInput, dryRun: boolean) => TVariables;
  input: TInput;
  onClose: () => void;
}) {
  const dry = useAction();
  const run = useAction();
  const [dryRunKey, setDryRunKey] = useState<string | null>(null);
  const key = JSON.stringify(request(input, true));
  const view = dryRunView(dry, run, dryRunKey, key);

  /** Dry-runs `next` (the input about to be set, which state has not caught up with yet) or the current input. */
  const dryRun = (next: TInput = input) => {
    const variables = request(next, true);
    setDryRunKey(JSON.stringify(variables));
    dry.mutate(variables);
  };
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    dryRun();
  }, []);

  return {
    ...view,
    dryRun,
    /** The real run of the current input; only after its dry run answered. */
    confirm: () => {
      if (view.plan !== null) run.mutate(request(input, false));
    },
    close: () => {
      dry.reset();
      run.reset();
      setDryRunKey(null);
      onClose();
    },
  };
}
