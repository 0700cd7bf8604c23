/** Development without ADMIN_PASSWORD: anyone who can reach the server is an admin. Never hidden. */
export function OpenConsoleBanner({ reason }: { reason: string | null }) {
  return (
    <div className="banner banner-warn" role="note" aria-label="Console open" title={reason ?? undefined}>
      <span>
        <strong>Console open: ADMIN_PASSWORD is not set.</strong> Anyone who can reach this server has full (admin) access, without signing in. Set ADMIN_EMAIL and ADMIN_PASSWORD to require sign-in; production refuses to start without them.
      </span>
    </div>
  );
}
