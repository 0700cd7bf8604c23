import { type FormEvent, useState } from 'react';
import { CONSOLE_ROLES, createUserInputSchema } from '@contracts/auth';
import { PASSWORD_MIN_CHARS } from '@contracts/limits';
import { Button } from '../../../components/button';
import { SelectField, TextField } from '../../../components/field';
import { Callout } from '../../../components/states';
import { errorMessage } from '../../../lib/api-error';
import { useCreateUser } from '../hooks/use-settings-data';

export function CreateUserForm() {
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string>('viewer');
  const [errors, setErrors] = useState<Partial<Record<'email' | 'password' | 'role', string>>>({});
  const [created, setCreated] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    const parsed = createUserInputSchema.safeParse({ email: email.trim(), password, role });
    if (!parsed.success) {
      const next: typeof errors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof typeof errors;
        next[field] ??= `${field === 'email' ? 'E-mail' : field === 'password' ? 'Password' : 'Role'} ${issue.message}`;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (u) => {
        setCreated(`${u.email} can now sign in as ${u.role}.`);
        setEmail('');
        setPassword('');
      },
    });
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Add a user" noValidate>
      <TextField label="New user e-mail" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
      <TextField label="Initial password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} hint={`At least ${PASSWORD_MIN_CHARS} characters. Share it privately.`} />
      <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value)} options={CONSOLE_ROLES.map((r) => ({ value: r, label: r }))} />
      {create.isError && (
        <Callout tone="bad" title="The user was not created" role="alert">
          {errorMessage(create.error)}
        </Callout>
      )}
      {created && (
        <Callout tone="ok" title="User created" role="status">
          {created}
        </Callout>
      )}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create user
        </Button>
      </div>
    </form>
  );
}
