import { Button } from '../../../components/button';
import { useLogout } from '../hooks/use-auth-actions';

export function SignOutButton() {
  const logout = useLogout();
  return (
    <Button size="sm" variant="ghost" busy={logout.isPending} onClick={() => logout.mutate()}>
      Sign out
    </Button>
  );
}
