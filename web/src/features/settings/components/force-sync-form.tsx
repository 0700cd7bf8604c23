import { type FormEvent, useState } from 'react';
import { forceSyncInputSchema, SYNC_SCOPES, type ForceSyncInput } from '@contracts/force-sync';
import { SYNC_TEXT_MAX_CHARS } from '@contracts/limits';
import { Button } from '../../../components/button';
import { SelectField, TextField } from '../../../components/field';
import { Callout } from '../../../components/states';
import { errorMessage } from '../../../lib/api-error';
import { humanize } from '../../../lib/format';
import { useStartForceSync } from '../hooks/use-settings-data';

type Errors = Partial<Record<'client_name' | 'industry' | 'recipients' | 'form', string>>;

/** The same contract as POST /api/opal/sync, validated here first so mistakes are named before Opal is asked. */
export function ForceSyncForm({ onStarted }: { onStarted: (syncId: string) => void }) {
  const start = useStartForceSync();
  const [scope, setScope] = useState<string>(SYNC_SCOPES[0]);
  const [clientName, setClientName] = useState('');
  const [industry, setIndustry] = useState('');
  const [recipients, setRecipients] = useState('');
  const [ragUpdate, setRagUpdate] = useState(false);
  const [errors, setErrors] = useState<Errors>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = recipients
      .split(/[\s,;]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const context = {
      ...(clientName.trim() ? { client_name: clientName.trim() } : {}),
      ...(industry.trim() ? { industry: industry.trim() } : {}),
      ...(list.length ? { recipients: list } : {}),
    };
    const candidate = { sync_scope: scope, include_rag_update: ragUpdate, ...(Object.keys(context).length ? { client_context: context } : {}) };
    const parsed = forceSyncInputSchema.safeParse(candidate);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path.find((p) => p === 'client_name' || p === 'industry' || p === 'recipients') as keyof Errors | undefined;
        next[field ?? 'form'] ??= issue.path.includes('recipients') && typeof issue.path.at(-1) === 'number' ? `${list[issue.path.at(-1) as number]}: ${issue.message}` : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    start.mutate(parsed.data as ForceSyncInput, { onSuccess: (r) => onStarted(r.sync_id) });
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Force sync" noValidate>
      <SelectField label="Scope" value={scope} onChange={(e) => setScope(e.target.value)} options={SYNC_SCOPES.map((s) => ({ value: s, label: humanize(s) }))} hint="Which platforms strategy_workflow covers." />
      <div className="form-row">
        <TextField label="Client name" value={clientName} onChange={(e) => setClientName(e.target.value)} error={errors.client_name} maxLength={SYNC_TEXT_MAX_CHARS} />
        <TextField label="Industry" value={industry} onChange={(e) => setIndustry(e.target.value)} error={errors.industry} maxLength={SYNC_TEXT_MAX_CHARS} />
      </div>
      <TextField label="Recipients" value={recipients} onChange={(e) => setRecipients(e.target.value)} error={errors.recipients} hint="E-mail addresses, separated by commas. Optional." placeholder="ops@example.com, lead@example.com" />
      <label className="checkbox">
        <input type="checkbox" checked={ragUpdate} onChange={(e) => setRagUpdate(e.target.checked)} />
        Include RAG update
      </label>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      {start.isError && (
        <Callout tone="bad" title="The force sync did not start" role="alert">
          {errorMessage(start.error)}
        </Callout>
      )}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={start.isPending}>
          Start force sync
        </Button>
        <span className="muted small">Asks Opal to run strategy_workflow now.</span>
      </div>
    </form>
  );
}
