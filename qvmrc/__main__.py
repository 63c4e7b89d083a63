from qvmrc.cli import main

raise SystemExit(main())
