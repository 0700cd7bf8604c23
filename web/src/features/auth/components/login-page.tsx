import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '../../../components/button';
import { TextField } from '../../../components/field';
import { httpStatusOf } from '../../../lib/api-error';
import { useLogin } from '../hooks/use-auth-actions';

function loginError(error: unknown): string {
  const status = httpStatusOf(error);
  if (status === 401) return 'Wrong e-mail or password.';
  if (status === 429) return 'Too many sign-in attempts from this address. Wait a minute and try again.';
  if (status === 400) return error instanceof Error ? error.message : 'Check the e-mail address and password.';
  if (status === null) return 'The server could not be reached. Check that it is running and try again.';
  return 'Sign-in failed on the server. Try again in a moment.';
}

export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  useEffect(() => {
    document.title = 'Sign in · OPAL Force Sync';
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };
  return (
    <div className="login">
      <main className="login-card" id="main">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          OPAL Force Sync
        </div>
        <h1>Sign in</h1>
        <p className="muted">Use your console account. The first admin is the one set by ADMIN_EMAIL and ADMIN_PASSWORD.</p>
        <form onSubmit={submit} className="form" aria-label="Sign in">
          <TextField label="Email" type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          <TextField label="Password" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          {login.isError && (
            <p className="form-error" role="alert">
              {loginError(login.error)}
            </p>
          )}
          <Button type="submit" variant="primary" busy={login.isPending} className="btn-block">
            Sign in
          </Button>
        </form>
      </main>
    </div>
  );
}
