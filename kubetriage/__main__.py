from kubetriage.cli import main

raise SystemExit(main())
