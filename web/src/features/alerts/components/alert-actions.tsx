import { useState } from 'react';
import { ALERT_NOTE_MAX } from '@contracts/alert-lifecycle-limits';
import type { AlertRuleName } from '@contracts/alerts';
import { Button } from '../../../components/button';
import { Dialog } from '../../../components/dialog';
import { SelectField, TextAreaField } from '../../../components/field';
import { Callout } from '../../../components/states';
import { errorMessage } from '../../../lib/api-error';
import { humanize } from '../../../lib/format';
import { type AlertRow, useAlertActions } from '../hooks/use-alerts';

/** Durations offered, inside the contract's bounds (5 minutes to 7 days). */
const DURATIONS = [
  { value: '15', label: '15 minutes' },
  { value: '60', label: '1 hour' },
  { value: '240', label: '4 hours' },
  { value: '1440', label: '1 day' },
  { value: '10080', label: '7 days' },
] as const;

function AcknowledgeDialog({ alert, onClose }: { alert: AlertRow; onClose: () => void }) {
  const { acknowledge } = useAlertActions();
  const [note, setNote] = useState('');
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Acknowledge ${humanize(alert.rule)}?`}
      describedBy="ack-explanation"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={acknowledge.isPending} onClick={() => acknowledge.mutate({ alert_id: alert.id, note: note.trim() || undefined }, { onSuccess: onClose })}>
            Acknowledge
          </Button>
        </>
      }
    >
      <p id="ack-explanation">Says “I have this”: your name is shown with the alert and posted to the alert webhook. Notifications go on; resolution stays automatic.</p>
      <TextAreaField label="Note (optional)" hint={`What the others should know, up to ${ALERT_NOTE_MAX} characters.`} rows={3} maxLength={ALERT_NOTE_MAX} value={note} onChange={(e) => setNote(e.target.value)} />
      {acknowledge.error && (
        <Callout tone="bad" title="Not acknowledged" role="alert">
          {errorMessage(acknowledge.error)}
        </Callout>
      )}
    </Dialog>
  );
}

function SilenceDialog({ rule, onClose }: { rule: string; onClose: () => void }) {
  const { silence } = useAlertActions();
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const missing = reason.trim() === '';
  const submit = () => {
    setTried(true);
    if (!missing) silence.mutate({ rule: rule as AlertRuleName, duration_minutes: Number(minutes), reason: reason.trim() }, { onSuccess: onClose });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Silence ${humanize(rule)}?`}
      describedBy="silence-explanation"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={silence.isPending} onClick={submit}>
            Silence
          </Button>
        </>
      }
    >
      <p id="silence-explanation">The rule keeps evaluating and keeps its history, but notifies nobody until the silence ends or is lifted. What still fires then is announced again.</p>
      <SelectField label="Duration" options={DURATIONS} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      <TextAreaField
        label="Reason"
        hint="Required: why this rule may stay quiet (kept in its history and the audit log)."
        rows={3}
        maxLength={ALERT_NOTE_MAX}
        required
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={tried && missing ? 'Give a reason.' : null}
      />
      {silence.error && (
        <Callout tone="bad" title="Not silenced" role="alert">
          {errorMessage(silence.error)}
        </Callout>
      )}
    </Dialog>
  );
}

/** The buttons of one alert row (shown only to operators and admins; the server checks again). */
export function AlertActions({ alert }: { alert: AlertRow }) {
  const [open, setOpen] = useState<'ack' | 'silence' | null>(null);
  if (alert.status !== 'firing') return null;
  const label = humanize(alert.rule);
  return (
    <div className="form-actions">
      {alert.acknowledged_at === null && (
        <Button size="sm" aria-label={`Acknowledge ${label}`} onClick={() => setOpen('ack')}>
          Acknowledge
        </Button>
      )}
      {alert.silence ? (
        <LiftSilenceButton silenceId={alert.silence.id} label={label} />
      ) : (
        <Button size="sm" aria-label={`Silence ${label}`} onClick={() => setOpen('silence')}>
          Silence
        </Button>
      )}
      {open === 'ack' && <AcknowledgeDialog alert={alert} onClose={() => setOpen(null)} />}
      {open === 'silence' && <SilenceDialog rule={alert.rule} onClose={() => setOpen(null)} />}
    </div>
  );
}

export function LiftSilenceButton({ silenceId, label }: { silenceId: string; label: string }) {
  const { liftSilence } = useAlertActions();
  return (
    <>
      <Button size="sm" aria-label={`Lift the silence of ${label}`} busy={liftSilence.isPending} onClick={() => liftSilence.mutate({ silence_id: silenceId })}>
        Lift silence
      </Button>
      {liftSilence.error && (
        <span role="alert" className="field-error small">
          {errorMessage(liftSilence.error)}
        </span>
      )}
    </>
  );
}
