import type { ReactNode } from 'react';
import { DEFAULT_PROPS } from '../../remotion/default-props.js';
import { LazyCompositionPlayer } from '../components/lazy-player.js';
import { Logo } from '../components/logo.js';

/** The signed-out page: what the product does on one side, the sign-in on the other. */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="auth-page">
      <section className="auth-hero" aria-label="About ai-shorts">
        <Logo />
        <div className="auth-hero-copy">
          <h2 className="display">
            Type a prompt.
            <br />
            <span className="gradient-text">Get a short worth watching.</span>
          </h2>
          <p className="muted lead">
            A script, scene pictures, a voice-over and word-by-word captions, rendered as a vertical video ready to post.
          </p>
          <ul className="auth-points">
            <li>10 to 90 seconds, vertical, square or wide</li>
            <li>Watch it come together, step by step</li>
            <li>Download the MP4 when it is done</li>
          </ul>
        </div>
        <div className="auth-phone" aria-hidden>
          <LazyCompositionPlayer props={DEFAULT_PROPS} controls={false} autoPlay loop muted />
        </div>
      </section>
      <main className="auth-main">{children}</main>
    </div>
  );
}
