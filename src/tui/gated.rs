//! A stream polled only when it asked to be: [`Gated`].
//!
//! The event loop's `select!` polls every branch each time it wakes (a scrape's update,
//! a health answer, a timer). crossterm's `EventStream`, polled with no input waiting,
//! tries its reader's lock for zero seconds while its own reader thread holds it, and
//! `parking_lot` spins for that try with `sched_yield` (about ten a poll, 40 a second at a
//! 1 s refresh, seen with `strace -f`). Gated, the terminal's stream is polled again only
//! after it woke the loop (input arrived) or gave an item (more may be buffered), so a
//! wake for anything else costs it nothing, and no key waits longer than before: the
//! stream's own wake is what lets it through.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use futures::Stream;
use futures::task::{ArcWake, AtomicWaker};

/// `S`, polled only after it woke its task or gave an item (see the module docs).
pub struct Gated<S> {
    inner: S,
    woken: Arc<Woken>,
    /// The waker `inner` is polled with: it marks `woken` and wakes the task polling us.
    waker: Waker,
}

/// Whether the inner stream asked to be polled, and the task to wake when it does.
struct Woken {
    ready: AtomicBool,
    task: AtomicWaker,
}

impl ArcWake for Woken {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.ready.store(true, Ordering::Release);
        arc_self.task.wake();
    }
}

impl<S> Gated<S> {
    /// `inner`, to be polled at once the first time.
    pub fn new(inner: S) -> Gated<S> {
        let woken = Arc::new(Woken {
            ready: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        let waker = futures::task::waker(Arc::clone(&woken));
        Gated {
            inner,
            woken,
            waker,
        }
    }
}

impl<S: Stream + Unpin> Stream for Gated<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        this.woken.task.register(cx.waker());
        if !this.woken.ready.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        let mut inner_cx = Context::from_waker(&this.waker);
        match Pin::new(&mut this.inner).poll_next(&mut inner_cx) {
            Poll::Ready(item) => {
                // More may be waiting without a new wake: look again next time.
                this.woken.ready.store(true, Ordering::Release);
                Poll::Ready(item)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use futures::StreamExt;
    use futures::channel::mpsc;

    use super::*;

    /// A stream that counts its polls.
    struct Counted {
        rx: mpsc::UnboundedReceiver<u32>,
        polls: Arc<AtomicUsize>,
    }

    impl Stream for Counted {
        type Item = u32;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
            self.polls.fetch_add(1, Ordering::Relaxed);
            self.rx.poll_next_unpin(cx)
        }
    }

    fn gated() -> (Gated<Counted>, mpsc::UnboundedSender<u32>, Arc<AtomicUsize>) {
        let (tx, rx) = mpsc::unbounded();
        let polls = Arc::new(AtomicUsize::new(0));
        let inner = Counted {
            rx,
            polls: Arc::clone(&polls),
        };
        (Gated::new(inner), tx, polls)
    }

    #[test]
    fn the_inner_stream_is_polled_only_after_it_woke_us_or_gave_an_item() {
        let (mut g, tx, polls) = gated();
        let mut cx = Context::from_waker(futures::task::noop_waker_ref());
        // The first poll goes through; nothing there.
        assert_eq!(g.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(polls.load(Ordering::Relaxed), 1);
        // Woken for something else: the inner stream is not asked again.
        for _ in 0..5 {
            assert_eq!(g.poll_next_unpin(&mut cx), Poll::Pending);
        }
        assert_eq!(polls.load(Ordering::Relaxed), 1);
        // Input arrives: the inner stream wakes us and is asked; two items come out in
        // turn, then it is asked once more and has nothing.
        tx.unbounded_send(7).expect("open");
        tx.unbounded_send(8).expect("open");
        assert_eq!(g.poll_next_unpin(&mut cx), Poll::Ready(Some(7)));
        assert_eq!(g.poll_next_unpin(&mut cx), Poll::Ready(Some(8)));
        assert_eq!(g.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(polls.load(Ordering::Relaxed), 4);
        assert_eq!(g.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(polls.load(Ordering::Relaxed), 4);
        // The end of the stream comes through too.
        drop(tx);
        assert_eq!(g.poll_next_unpin(&mut cx), Poll::Ready(None));
    }

    #[tokio::test]
    async fn an_item_sent_later_reaches_a_waiting_task() {
        let (mut g, tx, _) = gated();
        let send = tokio::spawn(async move {
            tokio::task::yield_now().await;
            tx.unbounded_send(42).expect("open");
            tx
        });
        let got = tokio::time::timeout(std::time::Duration::from_secs(10), g.next()).await;
        assert_eq!(got, Ok(Some(42)));
        drop(send.await);
    }
}
