import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <section className="card narrow">
      <title>Page not found · Gatehouse</title>
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}
