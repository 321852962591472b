//! Helper for `parity`: fake gateways on 127.0.0.1.
//!
//! cargo run --example parity -- serve [--port-base P] [--latency-ms N] [--chunk-delay-ms N]
//!     Serve a fake OpenRouter on P and a fake LLM Gateway-like target on P+1 until killed,
//!     a judge and embeddings server on P+2, and on P+3 a target that drifts: every
//!     answer (chat, responses, embeddings input) gains " Or Lyon, some say." and
//!     `n > 1` choices come in reverse order.
//! cargo run --example parity -- record GOLDEN OUTDIR
//!     Record GOLDEN against both fakes into OUTDIR (how examples/parity/recorded was made).
//! cargo run --example parity -- hostile MODE [--port-base P]
//!     Serve a hostile gateway on P (endless-sse, big-body or huge-event) until killed.

#[path = "fake.rs"]
mod fake;
mod hostile;

use std::path::PathBuf;
use std::time::Duration;

use llmgw_migrate::parity;

fn arg_u64(args: &[String], name: &str, default: u64) -> u64 {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(default)
}

/// Fake keys the fakes require; the recording must not contain them.
const BASELINE_KEY: &str = "sk-or-v1-fakefakefakefakefakefakefakefake0000";
const CANDIDATE_KEY: &str = "llmgtwy_fakefakefakefakefakefake1111";

fn main() -> anyhow::Result<()> {
    // Set before any thread exists.
    std::env::set_var("PARITY_FAKE_OPENROUTER_KEY", BASELINE_KEY);
    std::env::set_var("PARITY_FAKE_LLMGATEWAY_KEY", CANDIDATE_KEY);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(real_main())
}

async fn real_main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {
            let port = arg_u64(&args, "--port-base", 18080) as u16;
            let sw = fake::Switches {
                latency: Duration::from_millis(arg_u64(&args, "--latency-ms", 0)),
                chunk_delay: Duration::from_millis(arg_u64(&args, "--chunk-delay-ms", 0)),
                ..Default::default()
            };
            let b = fake::start_on(fake::Shape::OpenRouter, sw.clone(), port).await;
            let c = fake::start_on(fake::Shape::Target, sw.clone(), port + 1).await;
            let m = fake::start_meaning(port + 2, sw.latency).await;
            let drift = fake::Switches {
                text_suffix: Some(" Or Lyon, some say.".into()),
                reverse_choices: true,
                ..sw
            };
            let d = fake::start_on(fake::Shape::Target, drift, port + 3).await;
            println!("baseline {}", b.base_url());
            println!("candidate {}", c.base_url());
            println!("meaning {}", m.base_url());
            println!("drifting {}", d.base_url());
            tokio::signal::ctrl_c().await?;
            Ok(())
        }
        Some("hostile") if args.len() >= 2 => {
            let port = arg_u64(&args, "--port-base", 18090) as u16;
            let Some(app) = hostile::app(&args[1]) else {
                anyhow::bail!("hostile MODE: endless-sse, big-body or huge-event");
            };
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            println!("hostile http://{}/v1", listener.local_addr()?);
            axum::serve(listener, app).await?;
            Ok(())
        }
        Some("record") if args.len() == 3 => {
            let golden = PathBuf::from(&args[1]);
            let out = PathBuf::from(&args[2]);
            let sw = fake::Switches {
                chunk_delay: Duration::from_millis(15),
                latency: Duration::from_millis(40),
                ..Default::default()
            };
            let b = fake::start(
                fake::Shape::OpenRouter,
                fake::Switches {
                    require_key: Some(BASELINE_KEY.into()),
                    ..sw.clone()
                },
            )
            .await;
            let c = fake::start(
                fake::Shape::Target,
                fake::Switches {
                    require_key: Some(CANDIDATE_KEY.into()),
                    ..sw
                },
            )
            .await;
            let dir = tempfile::tempdir()?;
            let cfg = dir.path().join("config.yaml");
            std::fs::write(
                &cfg,
                format!(
                    "# Recorded against the fake gateways of examples/parity/fake.rs\n\
                     baseline:\n  name: fake-openrouter\n  base_url: {}\n  api_key_env: PARITY_FAKE_OPENROUTER_KEY\n\
                     candidate:\n  name: fake-llmgateway\n  base_url: {}\n  api_key_env: PARITY_FAKE_LLMGATEWAY_KEY\n  map_models: llmgateway\n",
                    b.base_url(),
                    c.base_url()
                ),
            )?;
            if out.exists() {
                std::fs::remove_dir_all(&out)?;
            }
            let opts = parity::ParityOptions {
                golden,
                config: Some(cfg),
                record: Some(out.clone()),
                check_models: true,
                negative: true,
                ..Default::default()
            };
            let rules = llmgw_migrate::rules::Rules::embedded()?;
            let p = parity::prepare(&opts, &rules)?;
            let rep = parity::run(&p, &rules, &opts).await;
            print!(
                "{}",
                parity::report::human(&rep, llmgw_migrate::style::ColorChoice(false))
            );
            eprintln!("recorded into {}", out.display());
            Ok(())
        }
        _ => {
            eprintln!("usage: parity serve [--port-base P] [--latency-ms N] [--chunk-delay-ms N]\n       parity record GOLDEN OUTDIR\n       parity hostile endless-sse|big-body|huge-event [--port-base P]");
            std::process::exit(2);
        }
    }
}
